package dev.sprocket.coordinator;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sprocket.api.ApiPaths;
import dev.sprocket.api.Dto;
import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.domain.Task;
import dev.sprocket.core.domain.TaskState;
import dev.sprocket.core.port.BlobKeys;
import dev.sprocket.core.stage.Manifest;
import dev.sprocket.core.stage.ManifestEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JobRoutesTest {
    @TempDir Path dir;
    Farm farm;

    @BeforeEach void start() throws Exception { farm = new Farm(dir); }
    @AfterEach void stop() { farm.close(); }

    @Test void aSubmittedJobIsListedAndViewedWithItsTasks() {
        Job job = farm.submit("1-10", 3);
        assertThat(job.state()).isEqualTo(JobState.ACTIVE);
        assertThat(job.createdAt()).isEqualTo(job.createdAt().truncatedTo(ChronoUnit.MILLIS));
        assertThat(job.frames().frames()).hasSize(10);

        Dto.JobView view = farm.job(job.id());
        assertThat(view.job()).isEqualTo(job);
        assertThat(view.tasks()).hasValueSatisfying(tasks -> assertThat(tasks).extracting(Task::frames)
                .containsExactly(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7, 8, 9), List.of(10)));
        assertThat(view.progress().framesTotal()).isEqualTo(10);
        assertThat(view.progress().tasks(TaskState.QUEUED)).isEqualTo(4);

        Job newer = farm.submit("1");
        List<Dto.JobView> all = farm.api.get(ApiPaths.JOBS).as(new TypeReference<>() {});
        assertThat(all).extracting(v -> v.job().id()).containsExactly(newer.id(), job.id());
        assertThat(all).allSatisfy(v -> assertThat(v.tasks()).isEmpty());
    }

    @Test void aSubmissionIsRefusedWithAReasonAndChangesNothing() {
        String manifest = farm.stage(Farm.project("x"));
        Api.Response badFrames = farm.api.post(ApiPaths.JOBS, Farm.submission(manifest, "1-5,3", 1));
        assertThat(badFrames.status()).isEqualTo(400);
        assertThat(badFrames.error()).contains("frame 3 appears more than once");

        Api.Response noManifest = farm.api.post(ApiPaths.JOBS, Farm.submission(BlobKeys.input("f".repeat(64)), "1", 1));
        assertThat(noManifest.status()).isEqualTo(400);
        assertThat(noManifest.error()).contains("is not uploaded");

        Api.Response badChunk = farm.api.post(ApiPaths.JOBS, Farm.submission(manifest, "1", -1));
        assertThat(badChunk.status()).isEqualTo(400);
        assertThat(badChunk.error()).contains("chunk");

        Api.Response badJson = farm.api.post(ApiPaths.JOBS, "{\"name\": ");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.error()).startsWith("bad JSON").doesNotContain("\n");

        Api.Response badSettings = farm.api.post(ApiPaths.JOBS, "{\"name\":\"x\",\"manifestKey\":\"" + manifest
                + "\",\"frames\":\"1\",\"settings\":{\"samples\":0,\"outputFormat\":\"PNG\"}}");
        assertThat(badSettings.status()).isEqualTo(400);
        assertThat(badSettings.error()).contains("samples must be");

        assertThat(farm.api.get(ApiPaths.JOBS).tree()).isEmpty();
    }

    @Test void aManifestWithInputsNotUploadedIsRefusedNamingThem() {
        byte[] uploaded = "here".getBytes(StandardCharsets.UTF_8);
        farm.api.put(ApiPaths.blob(BlobKeys.input(Farm.sha256(uploaded))), uploaded);
        String absent = Farm.sha256("absent".getBytes(StandardCharsets.UTF_8));
        byte[] manifest = new Manifest("shot.blend", List.of(new ManifestEntry("shot.blend", Farm.sha256(uploaded), 4),
                new ManifestEntry("tex/missing.png", absent, 6)), Map.of()).encode().getBytes(StandardCharsets.UTF_8);
        String key = BlobKeys.input(Farm.sha256(manifest));
        farm.api.put(ApiPaths.blob(key), manifest);

        Api.Response r = farm.api.post(ApiPaths.JOBS, Farm.submission(key, "1", 1));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).contains("1 input(s)").contains("tex/missing.png").contains(absent).doesNotContain("shot.blend (");
    }

    @Test void pauseStopsLeasingAndResumeBringsItBack() {
        Job job = farm.submit("1-2");
        Lease running = farm.leaseNow("w1");

        Api.Response paused = farm.api.postEmpty(ApiPaths.jobAction(job.id(), "pause"));
        assertThat(paused.status()).isEqualTo(200);
        assertThat(paused.as(Dto.JobView.class).job().state()).isEqualTo(JobState.PAUSED);
        assertThat(farm.lease("w2", 0)).isEmpty();
        // The running task was stopped: its worker hears it on the next heartbeat.
        assertThat(farm.api.post(Farm.task(running.taskId(), "heartbeat"), Map.of("token", running.token())).status()).isEqualTo(409);

        Api.Response resumed = farm.api.postEmpty(ApiPaths.jobAction(job.id(), "resume"));
        assertThat(resumed.as(Dto.JobView.class).job().state()).isEqualTo(JobState.ACTIVE);
        assertThat(farm.lease("w2", 0)).isPresent();
    }

    @Test void cancelStopsRunningTasksAndRefusesLaterActions() {
        Job job = farm.submit("1-3");
        Lease running = farm.leaseNow("w1");
        assertThat(farm.api.post(Farm.task(running.taskId(), "start"), Map.of("token", running.token())).status()).isEqualTo(200);

        Api.Response canceled = farm.api.postEmpty(ApiPaths.jobAction(job.id(), "cancel"));
        assertThat(canceled.status()).isEqualTo(200);
        Dto.JobView view = canceled.as(Dto.JobView.class);
        assertThat(view.job().state()).isEqualTo(JobState.CANCELED);
        assertThat(view.progress().tasks(TaskState.CANCELED)).isEqualTo(3);

        Api.Response heartbeat = farm.api.post(Farm.task(running.taskId(), "heartbeat"), Map.of("token", running.token()));
        assertThat(heartbeat.status()).isEqualTo(409);
        assertThat(heartbeat.error()).contains("CANCELED");
        assertThat(farm.lease("w2", 0)).isEmpty();

        Api.Response pause = farm.api.postEmpty(ApiPaths.jobAction(job.id(), "pause"));
        assertThat(pause.status()).isEqualTo(409);
        assertThat(pause.error()).contains("CANCELED");
        assertThat(farm.api.postEmpty(ApiPaths.jobAction("no-such-job", "cancel")).status()).isEqualTo(404);
    }

    @Test void retryQueuesFramesAgain() {
        Job job = farm.submit("1-2");
        farm.api.postEmpty(ApiPaths.jobAction(job.id(), "cancel"));

        Api.Response one = farm.api.post(ApiPaths.jobAction(job.id(), "retry"), Map.of("frames", "2"));
        assertThat(one.status()).as(one.toString()).isEqualTo(200);
        assertThat(one.as(Dto.JobView.class).job().state()).isEqualTo(JobState.ACTIVE);
        assertThat(farm.leaseNow("w").task().frames()).containsExactly(2);

        Api.Response rest = farm.api.postEmpty(ApiPaths.jobAction(job.id(), "retry"));
        assertThat(rest.status()).isEqualTo(200);
        assertThat(rest.as(Dto.JobView.class).progress().tasks(TaskState.QUEUED)).isEqualTo(1);

        Api.Response nothing = farm.api.post(ApiPaths.jobAction(job.id(), "retry"), Map.of("frames", "99"));
        assertThat(nothing.status()).isEqualTo(409);
        Api.Response badFrames = farm.api.post(ApiPaths.jobAction(job.id(), "retry"), Map.of("frames", "x"));
        assertThat(badFrames.status()).isEqualTo(400);
    }

    @Test void priorityDecidesWhichJobIsLeasedFirst() {
        Job first = farm.submit("1");
        Job second = farm.submit("1");
        Api.Response r = farm.api.post(ApiPaths.jobAction(second.id(), "priority"), Map.of("priority", 10));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.as(Dto.JobView.class).job().priority()).isEqualTo(10);
        assertThat(farm.leaseNow("w").job().id()).isEqualTo(second.id());
        assertThat(farm.leaseNow("w2").job().id()).isEqualTo(first.id());

        assertThat(farm.api.post(ApiPaths.jobAction(first.id(), "priority"), Map.of("priority", "high")).status()).isEqualTo(400);
        assertThat(farm.api.post(ApiPaths.jobAction(first.id(), "priority"), Map.of()).status()).isEqualTo(400);
        assertThat(farm.api.post(ApiPaths.jobAction("ghost", "priority"), Map.of("priority", 1)).status()).isEqualTo(404);
    }

    @Test void outputsAndAttemptsOfAJob() {
        Job job = farm.submit("1-2");
        Lease a = farm.leaseNow("w");
        String key = BlobKeys.output(a.taskId(), a.token(), "frame_0001.png");
        byte[] png = "png".getBytes(StandardCharsets.UTF_8);
        farm.api.put(ApiPaths.blob(key), png);
        String log = BlobKeys.log(a.taskId(), a.token());
        farm.api.put(ApiPaths.blob(log), "log".getBytes(StandardCharsets.UTF_8));
        OutputFile out = new OutputFile(1, "frame_0001.png", key, Farm.sha256(png), png.length);
        AttemptReport report = new AttemptReport(java.util.Optional.empty(), java.util.Optional.of(log),
                java.util.Optional.of("3.4.1"), java.util.Optional.empty(), java.util.Optional.of(1.5));
        Api.Response done = farm.api.post(Farm.task(a.taskId(), "complete"), new Dto.Complete(a.token(), List.of(out), report));
        assertThat(done.status()).as(done.toString()).isEqualTo(200);

        List<OutputFile> outputs = farm.api.get(ApiPaths.jobAction(job.id(), "outputs")).as(new TypeReference<>() {});
        assertThat(outputs).containsExactly(out);
        List<Attempt> attempts = farm.api.get(ApiPaths.jobAction(job.id(), "attempts")).as(new TypeReference<>() {});
        assertThat(attempts).singleElement().satisfies(at -> {
            assertThat(at.outcome()).isEqualTo(AttemptOutcome.SUCCEEDED);
            assertThat(at.logKey()).contains(log);
        });
        List<Attempt> frame2 = farm.api.get(ApiPaths.jobAction(job.id(), "attempts") + "?frame=2").as(new TypeReference<>() {});
        assertThat(frame2).isEmpty();
        assertThat(farm.api.get(ApiPaths.jobAction(job.id(), "attempts") + "?frame=x").status()).isEqualTo(400);
        assertThat(farm.api.get(ApiPaths.jobAction("ghost", "outputs")).status()).isEqualTo(404);
    }
}
