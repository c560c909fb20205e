package dev.sprocket.blender;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.port.RenderException;
import dev.sprocket.core.port.SessionSpec;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.sprocket.core.port.RenderException.Kind.ERROR;

/**
 * One running Blender with session.py: {@code blender -b -Y|-y [FILE] -t THREADS --python session.py}. Knows the line
 * protocol (JSON commands on stdin, {@value BlenderInspector#MARKER}-prefixed JSON events on stdout), nothing about
 * frames or retries.
 */
final class SessionProcess {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final OutputPump pump;
    private final Writer stdin;
    private String version = "";
    private List<String> unresolvedRemaps = List.of();

    private SessionProcess(Process process) {
        this.process = process;
        this.pump = new OutputPump(process.getInputStream(), "blender-session-" + process.pid());
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Launches Blender, loads the file, applies scene, remaps and overrides; returns once Blender says "ready". */
    static SessionProcess start(Blender blender, SessionSpec spec, BlenderSettings settings, LogBuffer log)
            throws RenderException {
        Path blend = spec.blend().toAbsolutePath();
        SessionProcess session = launch(blender, blend, spec.threads(), spec.settings().allowPython(), blend.getParent());
        return session.prepare(openCommand(spec), spec, settings, log);
    }

    /**
     * Launches {@code blender -b -Y|-y [FILE] -t THREADS --python session.py} and returns at once. Without a file,
     * session.py waits for an open command that names one (a pre-warmed process).
     *
     * @param dir the working directory: the .blend's folder, as for a plain launch (null: inherit the JVM's)
     */
    static SessionProcess launch(Blender blender, Path blend, int threads, boolean allowPython, Path dir)
            throws RenderException {
        List<String> cmd = blender.command(allowPython);
        if (blend != null) cmd.add(blend.toString());
        cmd.addAll(List.of("-t", Integer.toString(Math.max(0, threads)), "--python", BlenderScripts.session().toString()));
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (dir != null) pb.directory(dir.toFile());
            p = pb.start();
        } catch (IOException e) {
            throw new RenderException(RenderException.Kind.UNAVAILABLE, "cannot start " + blender.executable() + " ("
                    + e.getMessage() + "): " + Blender.NOT_FOUND, "", e);
        }
        ProcessReaper.register(p);
        return new SessionProcess(p);
    }

    /** Hands a pre-warmed process (see {@link #launch} without a file) its .blend and prepares it like {@link #start}. */
    SessionProcess open(SessionSpec spec, BlenderSettings settings, LogBuffer log) throws RenderException {
        Map<String, Object> cmd = openCommand(spec);
        cmd.put("blend", spec.blend().toAbsolutePath().toString());
        cmd.put("allowPython", spec.settings().allowPython());
        return prepare(cmd, spec, settings, log);
    }

    /** Sends the open command and waits for "ready"; kills Blender on any failure. */
    private SessionProcess prepare(Map<String, Object> openCommand, SessionSpec spec, BlenderSettings settings,
                                   LogBuffer log) throws RenderException {
        boolean ok = false;
        try {
            try {
                send(openCommand);
            } catch (IOException e) {
                // Blender already exited (e.g. an unreadable file): its output below says why.
            }
            long deadline = System.nanoTime() + settings.sessionStartTimeout().toNanos();
            while (true) {
                String line = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (line == OutputPump.TIMEOUT) {
                    throw new LoadTimeout("Blender did not load " + spec.blend().getFileName() + " within "
                            + settings.sessionStartTimeout().toSeconds() + " s", log.toString());
                }
                if (line == OutputPump.EOF) {
                    throw new RenderException(ERROR, "Blender exited while loading " + spec.blend().getFileName() + " ("
                            + exitDescription() + ")" + lastError(log.toString()).map(e -> ": " + e).orElse(""),
                            log.toString());
                }
                Optional<JsonNode> event = event(line);
                if (event.isEmpty()) {
                    log.add(line);
                    continue;
                }
                String kind = event.get().path("event").asText();
                if (kind.equals("ready")) {
                    version = event.get().path("version").asText();
                    List<String> unresolved = new java.util.ArrayList<>();
                    event.get().path("unresolvedRemaps").forEach(k -> unresolved.add(k.asText()));
                    unresolvedRemaps = List.copyOf(unresolved);
                    ok = true;
                    return this;
                }
                if (kind.equals("fatal")) {
                    throw new RenderException(ERROR, "cannot prepare " + spec.blend().getFileName() + ": "
                            + event.get().path("message").asText(), log.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RenderException(RenderException.Kind.ABORTED, "interrupted while Blender was loading "
                    + spec.blend().getFileName(), log.toString(), e);
        } finally {
            // Wait until it is gone: the caller reports the failure, and nothing may outlive a failed open.
            if (!ok) killAndWait();
        }
    }

    /** ERROR: the file took longer than the start timeout (a second attempt would take as long again). */
    static final class LoadTimeout extends RenderException {
        LoadTimeout(String message, String log) { super(ERROR, message, log); }
    }

    private static Map<String, Object> openCommand(SessionSpec spec) {
        RenderSettings s = spec.settings();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("samples", s.samples().orElse(null));
        settings.put("resolutionPercent", s.resolutionPercent().orElse(null));
        settings.put("engine", s.engine().orElse(null));
        settings.put("motionBlur", s.motionBlur().orElse(null));
        settings.put("disableDenoising", s.disableDenoising());
        settings.put("format", s.outputFormat().blenderName());
        Map<String, Object> cmd = new LinkedHashMap<>();
        cmd.put("cmd", "open");
        cmd.put("scene", spec.scene() == null ? "" : spec.scene());
        cmd.put("settings", settings);
        cmd.put("remaps", spec.remaps() == null ? Map.of() : spec.remaps());
        return cmd;
    }

    /** The event carried by a marker line, or empty for Blender's own output. */
    static Optional<JsonNode> event(String line) {
        if (!line.startsWith(BlenderInspector.MARKER)) return Optional.empty();
        try {
            return Optional.of(JSON.readTree(line.substring(BlenderInspector.MARKER.length())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The last "Error: ..." line Blender printed, without the prefix. */
    static Optional<String> lastError(String log) {
        return log.lines().map(String::strip).filter(l -> l.startsWith("Error: ") || l.startsWith("Error in "))
                .reduce((a, b) -> b).map(l -> l.startsWith("Error: ") ? l.substring(7) : l);
    }

    void send(Map<String, Object> cmd) throws IOException {
        stdin.write(JSON.writeValueAsString(cmd));
        stdin.write('\n');
        stdin.flush();
    }

    String next(Duration timeout) throws InterruptedException { return pump.next(timeout); }

    String version() { return version; }

    List<String> unresolvedRemaps() { return unresolvedRemaps; }

    boolean alive() { return process.isAlive() && !pump.ended(); }

    long pid() { return process.pid(); }

    /** "exit code 1" or "killed by signal 9". */
    String exitDescription() {
        try {
            process.waitFor(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (process.isAlive()) return "still running";
        int code = process.exitValue();
        return code > 128 ? "killed by signal " + (code - 128) : "exit code " + code;
    }

    /** Kills Blender at once; does not wait (abort() must return promptly). */
    void kill() { ProcessReaper.killTree(process); }

    /** Kills Blender and waits (briefly) until the process is really gone. */
    void killAndWait() { ProcessReaper.killTreeAndWait(process); }

    /** Asks Blender to quit (session.py leaves its loop, Blender exits); does not wait. */
    void requestQuit() {
        try {
            send(Map.of("cmd", "quit"));
            stdin.close();
        } catch (IOException ignored) {
            // already gone, or already asked
        }
    }

    /** Asks Blender to quit, waits up to {@code grace}, then kills it. */
    void quit(Duration grace) {
        try {
            requestQuit();
            process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ProcessReaper.killTreeAndWait(process);
        }
    }
}
