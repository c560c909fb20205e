package dev.sprocket.blender;

import dev.sprocket.core.port.RenderException;
import dev.sprocket.core.port.RenderSession;
import dev.sprocket.core.port.Renderer;
import dev.sprocket.core.port.SessionSpec;

import java.nio.file.Files;

/**
 * Opens persistent Blender sessions: one Blender process per session, kept across render calls, restarted after a
 * crash or abort. Each frame is pixel-identical to {@code blender -b -Y FILE -f N} with the same overrides.
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
