package dev.sprocket.blender;

import dev.sprocket.core.port.RenderException;
import dev.sprocket.core.port.RenderSession;
import dev.sprocket.core.port.Renderer;
import dev.sprocket.core.port.SessionSpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.util.Objects;

/**
 * Opens persistent Blender sessions: one Blender process per session, kept across render calls, restarted after a
 * crash or abort. Each frame is pixel-identical to {@code blender -b -Y FILE -f N} with the same overrides.
 *
 * <p>How it stays identical: for frame N the session sets the scene's range to N..N and runs the animation render
 * operator, which calls the same {@code RE_RenderAnim(sfra=N, efra=N)} as {@code -f N}; the range is restored
 * afterwards. Same flags as a plain launch ({@code -b -Y}, {@code -t}), no {@code --factory-startup}.
 *
 * <p>{@link #prewarm}: Blenders started without a file get theirs with the open command; see {@link #prewarm} for why
 * that loads the file as the command line does. A pre-warmed Blender only ever serves the first start of a session;
 * restarts after a crash or abort are plain launches.
 *
 * <p>{@link SessionSpec#remaps()}: each key is a path as Blender shows it for the data-block (the path written in the
 * .blend that owns it; for indirect libraries also the form the parent library writes), or an absolute path
 * (compared after normalising). Values are absolute paths on this machine. Libraries are relocated and reloaded
 * first, then images (incl. UDIM and sequences), fonts, sounds, Alembic/USD caches, volumes, movie clips, sequencer
 * strips, external multires, ocean, fluid and external point caches are rewritten. A relative key matches that path
 * in every .blend that writes it, so prefer absolute keys when a main file and a library write the same relative
 * path differently. Implicit point-cache folders ({@code //blendcache_<stem>/}) cannot be remapped: keep them next to
 * the staged .blend, under the .blend's original file name. Keys that match nothing are logged as a warning.
 */
public final class BlenderRenderer implements Renderer {
    private static final Logger log = LoggerFactory.getLogger(BlenderRenderer.class);

    private final Blender blender;
    private final BlenderSettings settings;
    private final WarmPool warm;

    /** Blender from {@code SPROCKET_BLENDER} or the PATH, default settings. */
    public BlenderRenderer() {
        this(Blender.locate(), BlenderSettings.defaults());
    }

    public BlenderRenderer(Blender blender, BlenderSettings settings) {
        this.blender = blender;
        this.settings = settings;
        this.warm = new WarmPool(blender);
    }

    /**
     * Starts {@code sessions} Blenders without a file ({@code blender -b -Y|-y -t THREADS --python session.py}) and
     * returns at once. {@link #open} hands one its .blend with {@code bpy.ops.wm.open_mainfile}, which goes through
     * the same {@code WM_file_read} as a file given on the command line (see session.py, open_blend), in the
     * .blend's folder and with the same auto-run setting, so frames stay identical to a plain launch.
     */
    @Override
    public void prewarm(int sessions, int threads, boolean allowPython) {
        warm.fill(sessions, threads, allowPython);
    }

    /**
     * Starts Blender (or takes a pre-warmed one with the same threads and Python setting), loads the .blend,
     * selects the scene, applies remaps and overrides.
     *
     * @throws RenderException UNAVAILABLE when Blender cannot start; ERROR when the file or scene cannot be prepared
     */
    @Override
    public RenderSession open(SessionSpec spec) throws RenderException {
        if (!Files.isRegularFile(spec.blend())) {
            throw new RenderException(RenderException.Kind.ERROR, spec.blend() + " does not exist", "");
        }
        Objects.requireNonNull(spec.settings().outputFormat(), "outputFormat");
        LogBuffer startLog = new LogBuffer(settings.maxLogChars());
        SessionProcess p = openWarm(spec, startLog);
        if (p == null) {
            startLog = new LogBuffer(settings.maxLogChars());
            p = SessionProcess.start(blender, spec, settings, startLog);
        }
        return new BlenderSession(blender, settings, spec, p, startLog);
    }

    /**
     * A pre-warmed Blender with the file loaded, or null when none is waiting or it failed. A failure is retried
     * with a fresh launch, so that a broken file is reported exactly as a plain launch reports it (and a Blender
     * that died while waiting costs nothing but the retry); only a timeout or an abort is final.
     */
    private SessionProcess openWarm(SessionSpec spec, LogBuffer startLog) throws RenderException {
        SessionProcess p = warm.take(spec.threads(), spec.settings().allowPython());
        if (p == null) return null;
        try {
            return p.open(spec, settings, startLog);
        } catch (SessionProcess.LoadTimeout e) {
            throw e;
        } catch (RenderException e) {
            if (e.kind() == RenderException.Kind.ABORTED) throw e;
            log.info("pre-warmed Blender (pid {}) could not open {} ({}); starting a fresh one", p.pid(),
                    spec.blend().getFileName(), e.getMessage());
            return null;
        }
    }

    /** Stops the pre-warmed Blenders no session took (asked to quit, killed after the close grace). */
    @Override
    public void close() {
        warm.close(settings.closeGrace());
    }
}
