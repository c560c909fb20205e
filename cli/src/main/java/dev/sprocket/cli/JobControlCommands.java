package dev.sprocket.cli;

import dev.sprocket.api.Dto;
import dev.sprocket.client.CoordinatorClient;
import dev.sprocket.core.domain.FrameSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Optional;
import java.util.concurrent.Callable;

/** `pause`, `resume`, `cancel`, `retry` and `priority`: one call each, then the job's new state in one line. */
final class JobControlCommands {
    private JobControlCommands() {}

    /** What every job action shares: the job id, the coordinator, --json. */
    abstract static class JobAction implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
        String jobId;

        @Option(names = "--json", description = "Print the job's new state and progress as JSON.")
        boolean json;

        @Mixin RemoteOptions remote;
        @Mixin CommonOptions common;

        abstract Dto.JobView apply(CoordinatorClient client);

        abstract String done();

        @Override public Integer call() {
            try (CoordinatorClient client = remote.connect()) {
                Dto.JobView v = apply(client);
                if (json) System.out.println(Json.write(v));
                else System.out.println(done() + ": " + JobText.summary(v));
                return 0;
            }
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = {"Pauses a job.",
                    "",
                    "Queued tasks wait; running ones stop at their next heartbeat (their frames are",
                    "rendered again after `resume`). Frames already done are kept."},
            footer = {"", "Example:", "  sprocket pause 260107-101500-1x2y3"})
    static final class Pause extends JobAction {
        @Override Dto.JobView apply(CoordinatorClient c) { return c.pause(jobId); }
        @Override String done() { return "Paused"; }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = {"Resumes a paused job: its paused tasks are queued again."},
            footer = {"", "Example:", "  sprocket resume 260107-101500-1x2y3"})
    static final class Resume extends JobAction {
        @Override Dto.JobView apply(CoordinatorClient c) { return c.resume(jobId); }
        @Override String done() { return "Resumed"; }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = {"Cancels a job.",
                    "",
                    "Nothing more of it renders (running tasks stop at their next heartbeat).",
                    "Frames already done stay downloadable; `retry` brings canceled frames back."},
            footer = {"", "Example:", "  sprocket cancel 260107-101500-1x2y3"})
    static final class Cancel extends JobAction {
        @Override Dto.JobView apply(CoordinatorClient c) { return c.cancel(jobId); }
        @Override String done() { return "Canceled"; }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = {"Renders frames of a job again.",
                    "",
                    "By default every failed or canceled frame; with --frames, the tasks that",
                    "render those frames (done ones too, e.g. after fixing a texture)."},
            footer = {"", "Examples:", "  sprocket retry 260107-101500-1x2y3", "  sprocket retry 260107-101500-1x2y3 --frames 12-14"})
    static final class Retry extends JobAction {
        @Option(names = "--frames", paramLabel = "SPEC", description = "Frames to render again, e.g. 12, 1-10 or 3,7,9.")
        String frames;

        @Override Dto.JobView apply(CoordinatorClient c) {
            Optional<String> spec = Optional.ofNullable(frames).map(f -> FrameSpec.parse(f).text());
            return c.retry(jobId, spec);
        }

        @Override String done() { return "Requeued"; }
    }

    @Command(name = "priority", mixinStandardHelpOptions = true,
            description = {"Sets a job's priority.",
                    "",
                    "Workers take tasks of higher-priority jobs first (then older jobs first).",
                    "Running tasks are not interrupted."},
            footer = {"", "Examples:", "  sprocket priority 260107-101500-1x2y3 10", "  sprocket priority 260107-101500-1x2y3 -5"})
    static final class Priority extends JobAction {
        @Parameters(index = "1", paramLabel = "N", description = "The new priority (any whole number; default of new jobs is 0).")
        int priority;

        @Override Dto.JobView apply(CoordinatorClient c) { return c.priority(jobId, priority); }
        @Override String done() { return "Priority set"; }
    }

}
