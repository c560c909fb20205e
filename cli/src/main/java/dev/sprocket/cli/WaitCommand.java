package dev.sprocket.cli;

import dev.sprocket.api.Dto;
import dev.sprocket.client.CoordinatorClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "wait", mixinStandardHelpOptions = true,
        description = {
                "Waits, quietly, until a job ends; for scripts.",
                "",
                "Exit code 0 when it COMPLETED, 1 when it FAILED or was CANCELED (or on an",
                "error), 3 when --timeout passed first. A paused job is waited for (it has not",
                "ended). Keeps waiting through a coordinator restart."},
        footer = {"", "Examples:",
                "  sprocket wait 260107-101500-1x2y3 && sprocket download 260107-101500-1x2y3 -o frames/",
                "  job=$(sprocket submit shot.blend) && sprocket wait $job --timeout 3600"})
final class WaitCommand implements Callable<Integer> {
    static final int TIMED_OUT = 3;

    @Parameters(paramLabel = "JOB", description = "The job id.")
    String jobId;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up after this long (exit code 3).")
    Long timeoutSeconds;

    @Option(names = "--json", description = "Print the job's final state and progress as JSON.")
    boolean json;

    @Mixin RemoteOptions remote;
    @Mixin CommonOptions common;

    @Override public Integer call() throws Exception {
        if (timeoutSeconds != null && timeoutSeconds < 0) throw new UserError("--timeout must not be negative");
        try (CoordinatorClient client = remote.connect()) {
            Dto.JobView v = JobWaiter.await(client, jobId, timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds),
                    System.err, x -> {});
            if (v == null) {
                System.err.println("sprocket: job " + jobId + " did not end within " + timeoutSeconds + " s");
                return TIMED_OUT;
            }
            if (json) System.out.println(Json.write(v));
            else System.out.println(JobText.summary(v));
            return JobWaiter.exitCode(v.job().state());
        }
    }
}
