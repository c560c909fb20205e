package dev.sprocket.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real `sprocket` CLI as a separate OS process (so tests can kill -9 it), on the test's own classpath. */
final class SprocketProcess {
    private SprocketProcess() {}

    static Process start(Path log, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Runs to completion; returns exit code and output. */
    static CliRun run(Path dir, Map<String, String> env, long timeoutSeconds, String... args) throws Exception {
        Path log = Files.createTempFile(dir, "cli-", ".log");
        Process p = start(log, env, args);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("sprocket " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(log));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        return new CliRun(p.exitValue(), out, out);
    }

    /** SIGKILL the process and every process it started (its Blender sessions), like a pulled plug. */
    static void kill9(Process p) throws InterruptedException {
        List<ProcessHandle> children = p.descendants().toList();
        p.toHandle().destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
