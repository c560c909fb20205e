package dev.sprocket.cli;

import dev.sprocket.api.Dto;
import dev.sprocket.client.CoordinatorClient;
import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobProgress;
import dev.sprocket.core.domain.Task;
import dev.sprocket.core.domain.TaskState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {
                "Shows one job in detail.",
                "",
                "State, priority, frames done/total, tasks per state, what each running task is",
                "doing and on which worker, and every failed task with the message of its last",
                "attempt (see its Blender log with `sprocket logs JOB --frame N`)."},
        footer = {"", "Examples:", "  sprocket status 260107-101500-1x2y3", "  sprocket status 260107-101500-1x2y3 --json | jq .progress"})
final class StatusCommand implements Callable<Integer> {
    /** A failed task and why, for the report and for --json. */
    record Failure(int task, List<Integer> frames, int attempts, String worker, String message) {}

    /** The --json shape: the job with progress and tasks, plus failures with their messages. */
    record Status(Job job, JobProgress progress, List<Task> tasks, List<Failure> failures) {}

    @Parameters(paramLabel = "JOB", description = "The job id (as `sprocket submit` printed it, or from `sprocket jobs`).")
    String jobId;

    @Option(names = "--json", description = "Print the job, its tasks and failures as JSON.")
    boolean json;

    @Mixin RemoteOptions remote;
    @Mixin CommonOptions common;

    @Override public Integer call() {
        PrintStream out = System.out;
        try (CoordinatorClient client = remote.connect()) {
            Dto.JobView v = client.job(jobId);
            List<Task> tasks = v.tasks().orElse(List.of());
            List<Failure> failures = failures(client, jobId, tasks);
            if (json) {
                out.println(Json.write(new Status(v.job(), v.progress(), tasks, failures)));
                return 0;
            }
            Job j = v.job();
            out.printf("job %s '%s'%n", j.id(), j.name());
            out.printf("  state     %s%n", j.state());
            out.printf("  priority  %d%n", j.priority());
            out.printf("  frames    %s done (%s, chunk %d)%n", JobText.frames(v.progress()), j.frames().text(), j.chunk());
            out.printf("  tasks     %s%n", JobText.tasks(v.progress()));
            out.printf("  created   %s%n", JobText.when(j.createdAt()));
            for (Task t : tasks) {
                if (!t.state().active()) continue;
                out.printf("  %-8s  task %d %s on %s%s%n", t.state().name().toLowerCase(java.util.Locale.ROOT), t.id().index(),
                        t.frames(), t.worker().orElse("?"), t.progress().map(p -> ": " + p).orElse(""));
            }
            for (Failure f : failures) {
                out.printf("  FAILED    task %d frames %s after %d attempt(s), last on %s: %s%n", f.task(), f.frames(),
                        f.attempts(), f.worker(), f.message());
            }
            if (!failures.isEmpty()) {
                out.println("  logs: sprocket logs " + j.id() + " --frame " + failures.getFirst().frames().getFirst()
                        + "   retry: sprocket retry " + j.id());
            }
            return 0;
        }
    }

    static List<Failure> failures(CoordinatorClient client, String jobId, List<Task> tasks) {
        if (tasks.stream().noneMatch(t -> t.state() == TaskState.FAILED)) return List.of();
        Map<Integer, List<Attempt>> byTask = new TreeMap<>();
        for (Attempt a : client.attempts(jobId, OptionalInt.empty())) {
            byTask.computeIfAbsent(a.taskId().index(), k -> new ArrayList<>()).add(a);
        }
        List<Failure> out = new ArrayList<>();
        for (Task t : tasks) {
            if (t.state() != TaskState.FAILED) continue;
            List<Attempt> attempts = new ArrayList<>(byTask.getOrDefault(t.id().index(), List.of()));
            attempts.sort(Comparator.comparingLong(Attempt::token));
            Attempt last = attempts.reversed().stream()
                    .filter(a -> a.outcome() == AttemptOutcome.FAILED || a.outcome() == AttemptOutcome.CRASHED)
                    .findFirst().orElse(attempts.isEmpty() ? null : attempts.getLast());
            out.add(new Failure(t.id().index(), t.frames(), attempts.size(), last == null ? "?" : last.worker(),
                    last == null ? "failed" : last.message().orElse(last.outcome().name().toLowerCase(java.util.Locale.ROOT))));
        }
        return out;
    }
}
