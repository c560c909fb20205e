package dev.sprocket.blender;

import dev.sprocket.core.port.RenderException;
import dev.sprocket.core.port.RenderSession;
import dev.sprocket.core.port.Renderer;
import dev.sprocket.core.port.SessionSpec;

import java.nio.file.Files;

/**
 * Opens persistent Blender sessions: one Blender process per session, kept across render calls, restarted after a
 * crash or abort. Each frame is pixel-identical to {@code blender -b -Y FILE -f N} with the same overrides.
 *
 * <p>How it stays identical: for frame N the session sets the scene's range to N..N and runs the animation render
 * operator, which calls the same {@code RE_RenderAnim(sfra=N, efra=N)} as {@code -f N}; the range is restored
 * afterwards. Same flags as a plain launch ({@code -b -Y}, {@code -t}), no {@code --factory-startup}.
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
    private final Blender blender;
    private final BlenderSettings settings;

    /** Blender from {@code SPROCKET_BLENDER} or the PATH, default settings. */
    public BlenderRenderer() {
        this(Blender.locate(), BlenderSettings.defaults());
    }

    public BlenderRenderer(Blender blender, BlenderSettings settings) {
        this.blender = blender;
        this.settings = settings;
    }

    /**
     * Starts Blender, loads the .blend, selects the scene, applies remaps and overrides.
     *
     * @throws RenderException UNAVAILABLE when Blender cannot start; ERROR when the file or scene cannot be prepared
     */
    @Override
    public RenderSession open(SessionSpec spec) throws RenderException {
        if (!Files.isRegularFile(spec.blend())) {
            throw new RenderException(RenderException.Kind.ERROR, spec.blend() + " does not exist", "");
        }
        return new BlenderSession(blender, settings, spec);
    }
}
