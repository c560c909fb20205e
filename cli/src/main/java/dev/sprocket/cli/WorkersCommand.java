package dev.sprocket.cli;

import dev.sprocket.client.CoordinatorClient;
import dev.sprocket.core.domain.WorkerInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "workers", mixinStandardHelpOptions = true,
        description = {"Lists the farm's workers.",
                "",
                "Every worker the coordinator has heard from: when it was last seen, the task",
                "it holds, and whether it was asked to drain."},
        footer = {"", "Examples:", "  sprocket workers", "  sprocket workers --json"})
final class WorkersCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the workers as JSON.")
    boolean json;

    @Mixin RemoteOptions remote;
    @Mixin CommonOptions common;

    @Override public Integer call() {
        PrintStream out = System.out;
        try (CoordinatorClient client = remote.connect()) {
            List<WorkerInfo> workers = client.workers();
            if (json) {
                out.println(Json.write(workers));
                return 0;
            }
            if (workers.isEmpty()) {
                out.println("No workers have joined " + client.baseUrl() + " yet; start one with: sprocket worker --coordinator "
                        + client.baseUrl());
                return 0;
            }
            int w = Math.max(4, workers.stream().mapToInt(x -> x.name().length()).max().orElse(4));
            String format = "%-" + w + "s  %-10s  %-9s  %s%n";
            out.printf(format, "NAME", "LAST SEEN", "STATE", "TASK");
            for (WorkerInfo x : workers) {
                String state = x.drain() ? "draining" : x.task().isPresent() ? "busy" : "idle";
                out.printf(format, x.name(), JobText.ago(x.lastSeen()), state, x.task().map(Object::toString).orElse("-"));
            }
            return 0;
        }
    }
}
