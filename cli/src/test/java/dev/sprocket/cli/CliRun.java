package dev.sprocket.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs the real CLI in-process with SPROCKET_HOME pointed at a test folder, capturing stdout and stderr. */
record CliRun(int exitCode, String out, String err) {
    static synchronized CliRun run(Path home, String... args) {
        return run(home, java.util.Map.of(), args);
    }

    /**
     * With system properties set for the run, e.g. {@code sprocket.coordinator} and {@code sprocket.token} (which
     * stand in for SPROCKET_COORDINATOR and SPROCKET_TOKEN: tests cannot set environment variables). A null value
     * clears the property for the run.
     */
    static synchronized CliRun run(Path home, java.util.Map<String, String> properties, String... args) {
        java.util.Map<String, String> old = new java.util.HashMap<>();
        properties.keySet().forEach(k -> old.put(k, System.getProperty(k)));
        properties.forEach((k, v) -> {
            if (v == null) System.clearProperty(k); else System.setProperty(k, v);
        });
        try {
            return runWithProperties(home, args);
        } finally {
            old.forEach((k, v) -> {
                if (v == null) System.clearProperty(k); else System.setProperty(k, v);
            });
        }
    }

    private static CliRun runWithProperties(Path home, String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        String oldHome = System.getProperty("sprocket.home");
        System.setProperty("sprocket.home", home.toString());
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            int code = Main.run(args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            if (oldHome == null) System.clearProperty("sprocket.home"); else System.setProperty("sprocket.home", oldHome);
        }
    }

    /** The last line of stdout (where `submit` prints the job id). */
    String lastLine() {
        java.util.List<String> lines = out.lines().toList();
        return lines.isEmpty() ? "" : lines.getLast();
    }

    /** The one error line the CLI printed (errors are one line on stderr). */
    String errorLine() {
        return err.lines().filter(l -> l.startsWith("sprocket: ")).findFirst().orElse("(no error line in: " + err + ")");
    }

    @Override public String toString() { return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err; }
}
