package dev.sprocket.core.port;

import java.nio.file.Path;
import java.util.List;

/** A loaded .blend, ready to render frames one task after another. Not thread-safe, except {@link #abort()}. */
public interface RenderSession extends AutoCloseable {
    /**
     * Renders the frames into {@code outputDir}, each as {@code OutputFormat.fileName(frame)}.
     * Pixel-identical to {@code blender -b FILE -f N} with the same settings.
     *
     * @throws RenderException when a frame fails or Blender dies; the session restarts itself on the next call
     */
    RenderResult render(List<Integer> frames, Path outputDir, RenderListener listener) throws RenderException;

    /** Stops whatever is rendering now (from another thread); the current {@link #render} throws ABORTED. */
    void abort();

    /** Blender's version string, e.g. "3.4.1". */
    String blenderVersion();

    @Override void close();
}
