package dev.sprocket.cli;

import dev.sprocket.api.Dto;
import dev.sprocket.client.CoordinatorClient;
import dev.sprocket.core.domain.Task;
import dev.sprocket.core.port.WorkerStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {
                "Shows a job's progress live until it ends.",
                "",
                "Frames done/total with ETA, and what each worker on it is doing. Ctrl-C stops",
                "watching (the job goes on). Exit code like `wait`: 0 when the job COMPLETED, 1",
                "when it FAILED or was CANCELED."},
        footer = {"", "Examples:", "  sprocket watch 260107-101500-1x2y3", "  sprocket watch $(sprocket submit shot.blend)"})
final class WatchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "JOB", description = "The job id.")
    String jobId;

    @Mixin RemoteOptions remote;
    @Mixin CommonOptions common;

    @Override public Integer call() throws Exception {
        try (CoordinatorClient client = remote.connect()) {
            Dto.JobView first = client.job(jobId);
            Dto.JobView last;
            try (ProgressDisplay progress = new ProgressDisplay("Job " + jobId, first.progress().framesTotal(), System.err,
                    System.console() != null)) {
                last = JobWaiter.await(client, jobId, null, System.err,
                        v -> progress.update(v.progress().framesDone(), doing(v)));
            }
            System.out.println(JobText.summary(last));
            if (last.job().state() != dev.sprocket.core.domain.JobState.COMPLETED) {
                List<StatusCommand.Failure> failures = StatusCommand.failures(client, jobId, last.tasks().orElse(List.of()));
                for (StatusCommand.Failure f : failures) {
                    System.out.printf("  failed task %d frames %s: %s%n", f.task(), f.frames(), f.message());
                }
            }
            return JobWaiter.exitCode(last.job().state());
        }
    }

    /** What each worker is doing on this job, from its running tasks. */
    private static List<WorkerStatus> doing(Dto.JobView v) {
        List<WorkerStatus> out = new ArrayList<>();
        for (Task t : v.tasks().orElse(List.of())) {
            if (!t.state().active()) continue;
            out.add(new WorkerStatus(t.worker().orElse("?"),
                    java.util.Optional.of(t.progress().orElse("task " + t.id().index() + " " + t.frames()))));
        }
        return out;
    }
}
