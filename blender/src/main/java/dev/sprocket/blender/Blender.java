package dev.sprocket.blender;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Blender executable: where it is, which version it is, and how Sprocket starts it.
 *
 * <p>Every launch is {@code blender -b -Y|-y ...}: background mode, and the .blend's own Python (drivers, startup
 * scripts) disabled unless the job allows it. The flag must come before the .blend on the command line, because
 * Blender decides about auto-run when it loads the file. {@code --factory-startup} is deliberately not used: the
 * contract is "identical to a plain {@code blender -b FILE -f N}", which reads the user's preferences too.
 */
public final class Blender {
    public static final String ENV = "SPROCKET_BLENDER";
    public static final String NOT_FOUND =
            "Blender not found: install it (Debian: apt-get install blender) or set SPROCKET_BLENDER=/path/to/blender";
    private static final Pattern VERSION = Pattern.compile("Blender (\\d+\\.\\d+(?:\\.\\d+)?)");

    private final Path executable;
    private volatile String version;

    private Blender(Path executable) {
        this.executable = executable;
    }

    /** Blender from {@code SPROCKET_BLENDER}, else {@code blender} on the PATH. */
    public static Blender locate() {
        return locate(System.getenv());
    }

    static Blender locate(Map<String, String> env) {
        String configured = env.get(ENV);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured.strip());
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                throw new BlenderUnavailableException(ENV + "=" + configured + " is not an executable file: " + NOT_FOUND);
            }
            return new Blender(p.toAbsolutePath());
        }
        String path = env.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, "blender");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return new Blender(candidate.toAbsolutePath());
        }
        throw new BlenderUnavailableException(NOT_FOUND);
    }

    /** A specific executable (checked when first used). */
    public static Blender at(Path executable) {
        if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
            throw new BlenderUnavailableException(executable + " is not an executable file: " + NOT_FOUND);
        }
        return new Blender(executable.toAbsolutePath());
    }

    public Path executable() { return executable; }

    /** The running version, e.g. "3.4.1" (probed once with {@code blender --version}). */
    public String version() {
        String v = version;
        if (v == null) {
            v = probeVersion();
            version = v;
        }
        return v;
    }

    private String probeVersion() {
        try {
            Process p = new ProcessBuilder(executable.toString(), "-b", "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out;
            try (var in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BlenderUnavailableException(executable + " --version did not answer in 30 s: " + NOT_FOUND);
            }
            Matcher m = VERSION.matcher(out);
            if (!m.find()) {
                throw new BlenderUnavailableException(executable + " does not look like Blender (--version printed: "
                        + out.strip().lines().findFirst().orElse("nothing") + ")");
            }
            return m.group(1);
        } catch (IOException e) {
            throw new BlenderUnavailableException("cannot run " + executable + " (" + e.getMessage() + "): " + NOT_FOUND, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BlenderUnavailableException("interrupted while asking " + executable + " for its version", e);
        }
    }

    /**
     * The start of every command line: {@code blender -b -Y} ({@code -y} when the file's Python is allowed).
     * Callers append the .blend and their own arguments.
     */
    public List<String> command(boolean allowPython) {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable.toString());
        cmd.add("-b");
        cmd.add(allowPython ? "-y" : "-Y");
        return cmd;
    }

    @Override
    public String toString() { return "Blender(" + executable + ")"; }
}
