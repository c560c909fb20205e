package dev.sprocket.blender;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.port.RenderException;
import dev.sprocket.core.port.RenderListener;
import dev.sprocket.core.port.RenderResult;
import dev.sprocket.core.port.RenderSession;
import dev.sprocket.core.port.SessionSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

import static dev.sprocket.core.port.RenderException.Kind.ABORTED;
import static dev.sprocket.core.port.RenderException.Kind.CRASH;
import static dev.sprocket.core.port.RenderException.Kind.ERROR;

/**
 * A .blend loaded in one long-lived Blender. Frames are rendered on request; when Blender dies or is aborted, the
 * next {@link #render} starts a fresh Blender transparently. Frames land in a hidden temporary folder inside the
 * output folder and are moved to {@code OutputFormat.fileName(frame)} atomically, so a reader never sees half a file.
 */
final class BlenderSession implements RenderSession {
    private static final Logger log = LoggerFactory.getLogger(BlenderSession.class);

    private final Blender blender;
    private final BlenderSettings settings;
    private final SessionSpec spec;
    private final OutputFormat format;

    /** The Blender serving this session; null until (re)started. Volatile: {@link #abort()} reads it from elsewhere. */
    private volatile SessionProcess process;
    private volatile boolean aborted;
    private volatile boolean closed;
    private String version;
    /** Blender's output while loading the file: handed to the first render's log (warnings about libraries etc.). */
    private LogBuffer startLog;
    private List<String> unresolvedRemaps;
    private final long firstPid;

    /**
     * @param process  Blender with the file loaded and prepared ("ready")
     * @param startLog its output while loading, handed to the first render's log
     */
    BlenderSession(Blender blender, BlenderSettings settings, SessionSpec spec, SessionProcess process, LogBuffer startLog) {
        this.blender = blender;
        this.settings = settings;
        this.spec = spec;
        this.format = Objects.requireNonNull(spec.settings().outputFormat(), "outputFormat");
        this.startLog = startLog;
        this.process = process;
        this.firstPid = process.pid();
        this.version = process.version();
        this.unresolvedRemaps = process.unresolvedRemaps();
        if (!unresolvedRemaps.isEmpty()) {
            log.warn("{}: {} remapped path(s) match nothing Blender loaded: {}", spec.blend().getFileName(),
                    unresolvedRemaps.size(), unresolvedRemaps);
        }
        log.debug("session on {} ready in Blender {} (pid {})", spec.blend(), version, process.pid());
    }

    /** The pid of the Blender the session was opened with (tests check whether it was a pre-warmed one). */
    long firstPid() { return firstPid; }

    /** Remap keys that matched no path in the loaded file (for tests and diagnostics). */
    List<String> unresolvedRemaps() { return unresolvedRemaps; }

    @Override
    public RenderResult render(List<Integer> frames, Path outputDir, RenderListener listener) throws RenderException {
        if (closed) throw new IllegalStateException("render session on " + spec.blend() + " is closed");
        RenderListener out = listener == null ? RenderListener.NONE : listener;
        if (frames.isEmpty()) return new RenderResult(Map.of(), "", 0, Optional.empty());
        LogBuffer logBuffer = startLog != null ? startLog : new LogBuffer(settings.maxLogChars());
        startLog = null;
        aborted = false;
        SessionProcess p = ensureProcess(logBuffer);
        Path tmp = createTempDir(outputDir.toAbsolutePath());
        boolean clean = false; // false: Blender is in an unknown state and must not serve the next call
        try {
            RenderResult result = run(p, frames, outputDir, tmp, out, logBuffer);
            clean = true;
            return result;
        } catch (RenderException e) {
            clean = e.kind() == ERROR && p.alive();
            throw e;
        } finally {
            if (!clean) discard(p);
            deleteQuietly(tmp);
        }
    }

    private RenderResult run(SessionProcess p, List<Integer> frames, Path outputDir, Path tmp, RenderListener listener,
                             LogBuffer logBuffer) throws RenderException {
        long started = System.nanoTime();
        Map<Integer, Path> files = new LinkedHashMap<>();
        long peak = -1;
        int current = frames.get(0);
        String lastProgress = "";
        try {
            p.send(Map.of("cmd", "render", "frames", frames, "dir", tmp.toString()));
            Duration frameTimeout = settings.frameTimeout();
            long frameDeadline = deadline(frameTimeout);
            while (true) {
                String line = p.next(frameTimeout.isZero() ? Duration.ZERO
                        : Duration.ofNanos(Math.max(1, frameDeadline - System.nanoTime())));
                if (line == OutputPump.EOF) throw died(p, current, logBuffer);
                if (line == OutputPump.TIMEOUT) {
                    discard(p);
                    throw new RenderException(ERROR, "frame " + current + " took longer than "
                            + frameTimeout.toSeconds() + " s, so Blender was stopped", logBuffer.toString());
                }
                Optional<JsonNode> event = SessionProcess.event(line);
                if (event.isEmpty()) {
                    logBuffer.add(line);
                    OptionalLong lp = ProgressLine.peakBytes(line);
                    if (lp.isPresent()) peak = Math.max(peak, lp.getAsLong());
                    Optional<String> text = ProgressLine.describe(line);
                    if (text.isPresent() && !text.get().equals(lastProgress)) {
                        lastProgress = text.get();
                        listener.progress(current, lastProgress);
                    }
                    continue;
                }
                JsonNode e = event.get();
                switch (e.path("event").asText()) {
                    case "frame_start" -> {
                        current = e.path("frame").asInt();
                        frameDeadline = deadline(frameTimeout);
                        listener.progress(current, "frame " + current + ", starting");
                    }
                    case "frame_done" -> {
                        int frame = e.path("frame").asInt();
                        Path target = outputDir.toAbsolutePath().resolve(format.fileName(frame));
                        Files.move(Path.of(e.path("file").asText()), target,
                                StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                        files.put(frame, target);
                        listener.frameDone(frame);
                    }
                    case "error" -> throw new RenderException(ERROR, errorMessage(e, current), logBuffer.toString());
                    case "done" -> {
                        double seconds = (System.nanoTime() - started) / 1e9;
                        return new RenderResult(Map.copyOf(files), logBuffer.toString(), seconds,
                                peak < 0 ? Optional.empty() : Optional.of(peak));
                    }
                    default -> logBuffer.add(line);
                }
            }
        } catch (IOException e) {
            if (!p.alive()) throw died(p, current, logBuffer);
            throw new RenderException(ERROR, "frame " + current + ": " + e.getMessage(), logBuffer.toString(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RenderException(ABORTED, "interrupted while rendering frame " + current, logBuffer.toString(), e);
        }
    }

    private static long deadline(Duration timeout) {
        return timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    }

    private RenderException died(SessionProcess p, int frame, LogBuffer logBuffer) {
        if (aborted) return new RenderException(ABORTED, "render of frame " + frame + " aborted", logBuffer.toString());
        return new RenderException(CRASH, "Blender died while rendering frame " + frame + " (" + p.exitDescription() + ")",
                logBuffer.toString());
    }

    private static String errorMessage(JsonNode e, int current) {
        int frame = e.has("frame") ? e.path("frame").asInt() : current;
        String msg = e.path("message").asText();
        if (msg.contains("OpenImageDenoise")) {
            msg += " (this Blender cannot denoise: render with denoising disabled, or on a Blender built with OpenImageDenoise)";
        }
        return "frame " + frame + ": " + msg;
    }

    /** The running Blender, or a fresh one when the previous died, was aborted or was left in an unknown state. */
    private SessionProcess ensureProcess(LogBuffer logBuffer) throws RenderException {
        SessionProcess p = process;
        if (p != null && p.alive()) return p;
        if (p != null) discard(p);
        log.info("starting a new Blender for {}", spec.blend().getFileName());
        p = SessionProcess.start(blender, spec, settings, logBuffer);
        process = p;
        version = p.version();
        if (aborted) { // abort() came while we were starting: it could not see this process yet
            discard(p);
            throw new RenderException(ABORTED, "render aborted", logBuffer.toString());
        }
        return p;
    }

    private void discard(SessionProcess p) {
        p.killAndWait();
        if (process == p) process = null;
    }

    @Override
    public void abort() {
        aborted = true;
        SessionProcess p = process;
        if (p != null) p.kill();
    }

    @Override
    public String blenderVersion() { return version; }

    @Override
    public void close() {
        closed = true;
        SessionProcess p = process;
        process = null;
        if (p != null) p.quit(settings.closeGrace());
    }

    private static Path createTempDir(Path outputDir) throws RenderException {
        try {
            Files.createDirectories(outputDir);
            return Files.createTempDirectory(outputDir, ".sprocket-render-");
        } catch (IOException e) {
            throw new RenderException(ERROR, "cannot write to output folder " + outputDir + ": " + e.getMessage(), "", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete temporary render folder {}: {}", dir, e.getMessage());
        }
    }
}
