package dev.sprocket.cli;

import dev.sprocket.client.CoordinatorClient;
import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.Task;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {
                "Prints the Blender logs of a job's attempts.",
                "",
                "Every attempt of every task (or only of the task that renders --frame N), each",
                "under a header naming the task, its frames, the worker, the attempt's fencing",
                "token and how it ended."},
        footer = {"", "Examples:", "  sprocket logs 260107-101500-1x2y3 --frame 12", "  sprocket logs 260107-101500-1x2y3 | less"})
final class LogsCommand implements Callable<Integer> {
    /** One attempt and its log text, for --json. */
    record AttemptLog(Attempt attempt, List<Integer> frames, Optional<String> log) {}

    @Parameters(paramLabel = "JOB", description = "The job id.")
    String jobId;

    @Option(names = "--frame", paramLabel = "N", description = "Only the attempts of the task that renders frame N.")
    Integer frame;

    @Option(names = "--json", description = "Print the attempts with their logs as JSON.")
    boolean json;

    @Mixin RemoteOptions remote;
    @Mixin CommonOptions common;

    @Override public Integer call() {
        PrintStream out = System.out;
        try (CoordinatorClient client = remote.connect()) {
            Map<Integer, Task> tasks = client.job(jobId).tasks().orElse(List.of()).stream()
                    .collect(Collectors.toMap(t -> t.id().index(), Function.identity()));
            List<Attempt> attempts = new ArrayList<>(client.attempts(jobId, frame == null ? OptionalInt.empty() : OptionalInt.of(frame)));
            attempts.sort(Comparator.comparingInt((Attempt a) -> a.taskId().index()).thenComparingLong(Attempt::token));
            if (attempts.isEmpty()) {
                if (frame != null && tasks.values().stream().noneMatch(t -> t.frames().contains(frame))) {
                    throw new UserError("job " + jobId + " does not render frame " + frame);
                }
                (json ? out : System.err).println(json ? "[]" : "No attempts yet" + (frame != null ? " for frame " + frame : "")
                        + ": no worker has started on " + (frame != null ? "it" : "this job") + ".");
                return 0;
            }
            List<AttemptLog> logs = new ArrayList<>();
            for (Attempt a : attempts) {
                Optional<String> text = a.logKey().flatMap(k -> client.readBlob(k)).map(b -> new String(b, StandardCharsets.UTF_8));
                List<Integer> frames = Optional.ofNullable(tasks.get(a.taskId().index())).map(Task::frames).orElse(List.of());
                if (json) {
                    logs.add(new AttemptLog(a, frames, text));
                    continue;
                }
                out.println(header(a, frames));
                if (text.isPresent()) {
                    out.print(text.get());
                    if (!text.get().endsWith("\n")) out.println();
                } else {
                    out.println(a.logKey().isPresent() ? "(log not stored on the coordinator)" : "(no log: the attempt "
                            + (a.endedAt().isPresent() ? "left none" : "is still running") + ")");
                }
                out.println();
            }
            if (json) out.println(Json.write(logs));
            return 0;
        }
    }

    static String header(Attempt a, List<Integer> frames) {
        StringBuilder sb = new StringBuilder("=== task ").append(a.taskId().index()).append(" frames ").append(frames)
                .append(" · worker ").append(a.worker()).append(" · token ").append(a.token())
                .append(" · ").append(a.outcome());
        a.message().ifPresent(m -> sb.append(": ").append(JobText.clip(m.strip().replaceAll("\\s*\\R\\s*", " "), 200)));
        sb.append(" · started ").append(JobText.when(a.startedAt()));
        a.renderSeconds().ifPresent(s -> sb.append(String.format(" · %.1fs", s)));
        a.blenderVersion().ifPresent(v -> sb.append(" · Blender ").append(v));
        return sb.append(" ===").toString();
    }
}
