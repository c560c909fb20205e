package dev.sprocket.coordinator;

import dev.sprocket.api.ApiPaths;
import dev.sprocket.api.Dto;
import dev.sprocket.core.dispatch.DispatchSettings;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.port.BlobKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The coordinator can stop at any moment: what it accepted is kept, and live workers carry on after a restart. */
class RestartTest {
    static final Duration TTL = Duration.ofSeconds(3);

    @Test void jobsAndLiveLeasesSurviveARestart(@TempDir Path dir) throws Exception {
        DispatchSettings settings = DispatchSettings.defaults().withLeaseTtl(TTL);
        Job job;
        Lease lease;
        try (Farm before = new Farm(dir, settings)) {
            job = before.submit("1-2");
            lease = before.leaseNow("survivor");
        }
        // Down for longer than the lease lives: without recovery the task would be requeued under the worker.
        Thread.sleep(TTL.plusMillis(500).toMillis());

        try (Farm after = new Farm(dir, settings)) {
            Dto.JobView view = after.job(job.id());
            assertThat(view.job()).isEqualTo(job);
            Api.Response heartbeat = after.api.post(Farm.task(lease.taskId(), "heartbeat"), Map.of("token", lease.token()));
            assertThat(heartbeat.status()).as(heartbeat.toString()).isEqualTo(200);

            byte[] png = "pixels".getBytes(StandardCharsets.UTF_8);
            String key = BlobKeys.output(lease.taskId(), lease.token(), "frame_0001.png");
            assertThat(after.api.put(ApiPaths.blob(key), png).status()).isEqualTo(200);
            OutputFile out = new OutputFile(1, "frame_0001.png", key, Farm.sha256(png), png.length);
            Api.Response done = after.api.post(Farm.task(lease.taskId(), "complete"),
                    new Dto.Complete(lease.token(), List.of(out), AttemptReport.empty()));
            assertThat(done.status()).as(done.toString()).isEqualTo(200);

            Lease second = after.leaseNow("survivor");
            assertThat(second.task().frames()).containsExactly(2);
            assertThat(after.job(job.id()).job().state()).isEqualTo(JobState.ACTIVE);
        }
    }
}
