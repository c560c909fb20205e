package dev.sprocket.cli;

import dev.sprocket.api.Dto;
import dev.sprocket.client.CoordinatorClient;
import dev.sprocket.core.domain.Job;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = {"Lists the farm's jobs, newest first.", "",
                "Each with its id, state, priority, frames done/total, creation time and name."},
        footer = {"", "Examples:", "  sprocket jobs", "  sprocket jobs --json | jq -r '.[] | select(.job.state==\"ACTIVE\") | .job.id'"})
final class JobsCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print the jobs as JSON (each with its progress).")
    boolean json;

    @Mixin RemoteOptions remote;
    @Mixin CommonOptions common;

    @Override public Integer call() {
        PrintStream out = System.out;
        try (CoordinatorClient client = remote.connect()) {
            List<Dto.JobView> jobs = client.jobs();
            if (json) {
                out.println(Json.write(jobs));
                return 0;
            }
            if (jobs.isEmpty()) {
                out.println("No jobs on " + client.baseUrl() + " yet; send one with: sprocket submit FILE");
                return 0;
            }
            int idWidth = Math.max(2, jobs.stream().mapToInt(v -> v.job().id().length()).max().orElse(2));
            String format = "%-" + idWidth + "s  %-9s  %4s  %-13s  %-16s  %s%n";
            out.printf(format, "ID", "STATE", "PRI", "FRAMES", "CREATED", "NAME");
            for (Dto.JobView v : jobs) {
                Job j = v.job();
                out.printf(format, j.id(), j.state(), j.priority(), JobText.frames(v.progress()), JobText.when(j.createdAt()), j.name());
            }
            return 0;
        }
    }
}
