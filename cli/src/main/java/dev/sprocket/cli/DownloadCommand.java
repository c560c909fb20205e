package dev.sprocket.cli;

import dev.sprocket.api.Dto;
import dev.sprocket.client.CoordinatorClient;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.stage.Hashing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "download", mixinStandardHelpOptions = true,
        description = {
                "Fetches a job's finished frames into a folder, as frame_0001.png …",
                "",
                "Only frames that are not already there with the right content (SHA-256) are",
                "fetched, so it can be run again while the job renders, or after an interrupted",
                "download. Each file appears whole or not at all (written to a temp file,",
                "checked, then renamed)."},
        footer = {"", "Examples:",
                "  sprocket download 260107-101500-1x2y3 --output renders/shot",
                "  sprocket wait 260107-101500-1x2y3 && sprocket download 260107-101500-1x2y3 -o /mnt/projects/shot/frames"})
final class DownloadCommand implements Callable<Integer> {
    /** What a download did, for the report and --json. */
    record Summary(String jobId, String state, String outputDir, int framesReady, int framesTotal, int fetched, int skipped,
                   long bytesFetched) {}

    @Parameters(paramLabel = "JOB", description = "The job id.")
    String jobId;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where frames go (default: ./renders/<job name>).")
    Path output;

    @Option(names = "--json", description = "Print what was fetched and skipped as JSON.")
    boolean json;

    @Mixin RemoteOptions remote;
    @Mixin CommonOptions common;

    @Override public Integer call() throws IOException {
        PrintStream out = System.out;
        try (CoordinatorClient client = remote.connect()) {
            Dto.JobView v = client.job(jobId);
            Path dir = (output != null ? output : Path.of("renders", safeName(v.job().name()))).toAbsolutePath().normalize();
            List<OutputFile> outputs = client.outputs(jobId);
            int fetched = 0, skipped = 0;
            long bytes = 0;
            for (OutputFile o : outputs) {
                Path target = dir.resolve(safeFileName(o.name()));
                if (Files.isRegularFile(target) && Files.size(target) == o.size() && Hashing.sha256(target).equals(o.sha256())) {
                    skipped++;
                    continue;
                }
                Files.createDirectories(dir);
                Path part = dir.resolve("." + target.getFileName() + ".download");
                try {
                    if (!client.getBlob(o.key(), part)) {
                        throw new UserError("frame " + o.frame() + " (" + o.key() + ") is listed but missing on the coordinator");
                    }
                    String sha = Hashing.sha256(part);
                    if (!sha.equals(o.sha256())) {
                        throw new UserError("frame " + o.frame() + " arrived corrupt (sha256 " + sha + ", expected " + o.sha256() + "); run download again");
                    }
                    Files.move(part, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(part);
                }
                if (common.verbose) System.err.println("  fetched " + target.getFileName() + " (" + RenderRun.bytes(o.size()) + ")");
                fetched++;
                bytes += o.size();
            }
            Summary s = new Summary(jobId, v.job().state().name(), dir.toString(), outputs.size(), v.progress().framesTotal(),
                    fetched, skipped, bytes);
            if (json) {
                out.println(Json.write(s));
            } else {
                out.printf("Fetched %d frame(s) (%s), skipped %d already there -> %s%n", fetched, RenderRun.bytes(bytes), skipped, dir);
                if (outputs.size() < v.progress().framesTotal()) {
                    out.printf("job is %s: %d of %d frame(s) ready so far%n", v.job().state(), outputs.size(), v.progress().framesTotal());
                }
            }
            return 0;
        }
    }

    /** A job name as a folder name: no separators or leading dots. */
    static String safeName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._ -]", "_").strip().replaceFirst("^\\.+", "_");
        return s.isEmpty() ? "job" : s;
    }

    /** Output names come from the coordinator: never let one climb out of the folder. */
    private static String safeFileName(String name) {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new UserError("the coordinator listed an output with an unsafe name: '" + name + "'");
        }
        return name;
    }
}
