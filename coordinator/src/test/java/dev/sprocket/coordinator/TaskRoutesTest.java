package dev.sprocket.coordinator;

import dev.sprocket.api.ApiPaths;
import dev.sprocket.api.Dto;
import dev.sprocket.core.dispatch.DispatchSettings;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.domain.TaskState;
import dev.sprocket.core.port.BlobKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TaskRoutesTest {
    @TempDir Path dir;
    Farm farm;

    @AfterEach void stop() { if (farm != null) farm.close(); }

    private Farm farm(DispatchSettings settings) throws Exception {
        farm = new Farm(dir, settings);
        return farm;
    }

    private OutputFile upload(Lease lease, int frame) {
        String name = String.format("frame_%04d.png", frame);
        byte[] png = ("pixels of " + frame + " by " + lease.worker()).getBytes(StandardCharsets.UTF_8);
        String key = BlobKeys.output(lease.taskId(), lease.token(), name);
        assertThat(farm.api.put(ApiPaths.blob(key), png).status()).isEqualTo(200);
        return new OutputFile(frame, name, key, Farm.sha256(png), png.length);
    }

    private Api.Response complete(Lease lease, List<OutputFile> outputs) {
        return farm.api.post(Farm.task(lease.taskId(), "complete"), new Dto.Complete(lease.token(), outputs, AttemptReport.empty()));
    }

    private Api.Response fail(Lease lease) {
        return farm.api.post(Farm.task(lease.taskId(), "fail"),
                new Dto.Fail(lease.token(), AttemptOutcome.FAILED, AttemptReport.message("Blender quit with exit code 1")));
    }

    @Test void aLeaseRunsThroughHeartbeatStartAndComplete() throws Exception {
        farm(Farm.SETTINGS);
        Job job = farm.submit("1");
        Lease lease = farm.leaseNow("w");
        Instant before = Instant.now();
        Api.Response hb = farm.api.post(Farm.task(lease.taskId(), "heartbeat"), Map.of("token", lease.token(), "progress", "sample 3/16"));
        assertThat(hb.status()).isEqualTo(200);
        assertThat(hb.as(Dto.HeartbeatResponse.class).expiresAt()).isAfter(before.plus(Farm.SETTINGS.leaseTtl()).minusSeconds(1));
        assertThat(farm.api.post(Farm.task(lease.taskId(), "start"), Map.of("token", lease.token())).status()).isEqualTo(200);
        assertThat(farm.job(job.id()).tasks().orElseThrow().get(0).progress()).contains("sample 3/16");

        Api.Response done = complete(lease, List.of(upload(lease, 1)));
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        assertThat(farm.job(job.id()).job().state()).isEqualTo(JobState.COMPLETED);
        // Calls of a finished lease are refused; an unknown task is not found.
        assertThat(farm.api.post(Farm.task(lease.taskId(), "heartbeat"), Map.of("token", lease.token())).status()).isEqualTo(409);
        assertThat(farm.api.post(Farm.task(new TaskId(job.id(), 7), "heartbeat"), Map.of("token", 1)).status()).isEqualTo(404);
        assertThat(farm.api.post(Farm.task(new TaskId("ghost", 0), "complete"), Map.of("token", 1)).status()).isEqualTo(404);
    }

    @Test void aCompletionCanBringTheWorkersNextLeaseAndARepeatedOneIsAcceptedAgain() throws Exception {
        farm(Farm.SETTINGS);
        Job job = farm.submit("1-2");
        Lease first = farm.leaseNow("w");
        List<OutputFile> outputs = List.of(upload(first, 1));
        Dto.Complete body = new Dto.Complete(first.token(), outputs, AttemptReport.empty(), Optional.of("w"));
        Api.Response done = farm.api.post(Farm.task(first.taskId(), "complete"), body);
        assertThat(done.status()).as(done.toString()).isEqualTo(200);
        Lease next = done.as(Dto.Completed.class).next().orElseThrow();
        assertThat(next.taskId()).isEqualTo(new TaskId(job.id(), 1));
        assertThat(next.worker()).isEqualTo("w");
        assertThat(farm.job(job.id()).tasks().orElseThrow().get(1).state()).isEqualTo(TaskState.LEASED);

        // The answer was lost and the worker sends the completion again: accepted, and its frame is kept.
        Api.Response again = farm.api.post(Farm.task(first.taskId(), "complete"), body);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.as(Dto.Completed.class).next()).isEmpty();
        assertThat(farm.server.blobs().size(outputs.get(0).key())).contains(outputs.get(0).size());

        Api.Response last = farm.api.post(Farm.task(next.taskId(), "complete"),
                new Dto.Complete(next.token(), List.of(upload(next, 2)), AttemptReport.empty(), Optional.of("w")));
        assertThat(last.status()).isEqualTo(200);
        assertThat(last.as(Dto.Completed.class).next()).isEmpty();
        assertThat(farm.job(job.id()).job().state()).isEqualTo(JobState.COMPLETED);
        assertThat(farm.api.post(Farm.task(next.taskId(), "complete"),
                new Dto.Complete(next.token(), List.of(), AttemptReport.empty(), Optional.of("bad name!"))).status()).isEqualTo(400);
    }

    @Test void aCompletionMustListOnlyItsOwnUploadedFiles() throws Exception {
        farm(Farm.SETTINGS);
        farm.submit("1-2");
        Lease lease = farm.leaseNow("w");
        OutputFile uploaded = upload(lease, 1);
        OutputFile notUploaded = new OutputFile(1, "x.png", BlobKeys.output(lease.taskId(), lease.token(), "x.png"), "00", 3);
        Api.Response missing = complete(lease, List.of(uploaded, notUploaded));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.error()).contains("x.png").contains("not uploaded");

        OutputFile wrongSize = new OutputFile(1, uploaded.name(), uploaded.key(), uploaded.sha256(), uploaded.size() + 1);
        assertThat(complete(lease, List.of(wrongSize)).error()).contains("bytes on the server");

        OutputFile foreign = new OutputFile(1, "in", BlobKeys.input("a".repeat(64)), "a".repeat(64), 1);
        Api.Response stolen = complete(lease, List.of(foreign));
        assertThat(stolen.status()).isEqualTo(400);
        assertThat(stolen.error()).contains("is not under");
        assertThat(complete(lease, List.of(uploaded)).status()).isEqualTo(200);
    }

    @Test void aStaleCompletionIsRefusedAndItsFilesDeleted() throws Exception {
        farm(Farm.SETTINGS);
        Job job = farm.submit("1");
        Lease old = farm.leaseNow("slow");
        OutputFile listed = upload(old, 1);
        String unlisted = BlobKeys.log(old.taskId(), old.token());
        assertThat(farm.api.put(ApiPaths.blob(unlisted), "log".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);

        // The lease is lost (here: paused and resumed) and another worker takes the task.
        farm.api.postEmpty(ApiPaths.jobAction(job.id(), "pause"));
        farm.api.postEmpty(ApiPaths.jobAction(job.id(), "resume"));
        Lease current = farm.leaseNow("fast");
        assertThat(current.token()).isGreaterThan(old.token());

        Api.Response stale = complete(old, List.of(listed));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.error()).contains("no longer valid");
        assertThat(farm.api.head(ApiPaths.blob(listed.key())).status()).isEqualTo(404);
        assertThat(farm.api.head(ApiPaths.blob(unlisted)).status()).isEqualTo(404);

        OutputFile good = upload(current, 1);
        assertThat(complete(current, List.of(good)).status()).isEqualTo(200);
        assertThat(farm.api.get(ApiPaths.jobAction(job.id(), "outputs")).tree().get(0).path("key").asText()).isEqualTo(good.key());
        assertThat(farm.api.get(ApiPaths.blob(good.key())).status()).isEqualTo(200);
    }

    @Test void aWorkerThatKeepsFailingAJobIsBlocklistedForIt() throws Exception {
        farm(Farm.SETTINGS.withBlocklistAfter(2).withMaxAttempts(5));
        Job job = farm.submit("1-3");
        farm.api.postEmpty(ApiPaths.worker("steady", "register")); // else no worker could take the job, and it would fail
        // Two different tasks of the job fail on the same worker.
        List<Lease> leases = List.of(farm.leaseNow("flaky"), farm.leaseNow("flaky"));
        for (Lease lease : leases) {
            Api.Response r = fail(lease);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(fail(lease).status()).as("the same lease cannot fail twice").isEqualTo(409);
        }
        assertThat(farm.lease("flaky", 0)).as("blocklisted, though three tasks are queued").isEmpty();
        Lease other = farm.leaseNow("steady");
        assertThat(other.job().id()).isEqualTo(job.id());
        assertThat(other.task().failures()).isEqualTo(1);

        Api.Response wrongOutcome = farm.api.post(Farm.task(other.taskId(), "fail"),
                new Dto.Fail(other.token(), AttemptOutcome.LOST, AttemptReport.empty()));
        assertThat(wrongOutcome.status()).isEqualTo(400);
    }

    @Test void aTaskFailsForGoodAfterMaxAttempts() throws Exception {
        farm(Farm.SETTINGS.withMaxAttempts(2).withJobFailure(1.0, 1));
        Job job = farm.submit("1");
        fail(farm.leaseNow("a"));
        fail(farm.leaseNow("b"));
        Dto.JobView view = farm.job(job.id());
        assertThat(view.progress().tasks(TaskState.FAILED)).isEqualTo(1);
        assertThat(view.job().state()).isEqualTo(JobState.FAILED);
    }

    @Test void aReleasedTaskGoesBackToTheQueueWithoutBlame() throws Exception {
        farm(Farm.SETTINGS);
        farm.submit("1");
        Lease lease = farm.leaseNow("leaving");
        Api.Response r = farm.api.post(Farm.task(lease.taskId(), "release"), new Dto.Release(lease.token(), AttemptReport.message("draining")));
        assertThat(r.status()).isEqualTo(200);
        assertThat(farm.api.post(Farm.task(lease.taskId(), "release"), new Dto.Release(lease.token(), AttemptReport.empty())).status())
                .isEqualTo(409);
        Lease again = farm.leaseNow("next");
        assertThat(again.taskId()).isEqualTo(lease.taskId());
        assertThat(again.task().failures()).isZero();
    }

    @Test void expiredLeasesAreRequeuedEvenWhenNoWorkerPolls() throws Exception {
        farm(DispatchSettings.defaults().withLeaseTtl(Duration.ofMillis(600)));
        Job job = farm.submit("1");
        Lease lost = farm.leaseNow("vanished");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (farm.job(job.id()).progress().tasks(TaskState.QUEUED) == 0 && System.nanoTime() < deadline) Thread.sleep(100);
        assertThat(farm.job(job.id()).progress().tasks(TaskState.QUEUED)).isEqualTo(1);
        assertThat(farm.api.post(Farm.task(lost.taskId(), "heartbeat"), Map.of("token", lost.token())).status()).isEqualTo(409);
    }
}
