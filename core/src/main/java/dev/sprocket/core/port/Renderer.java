package dev.sprocket.core.port;

/** Starts render sessions. A session stays open across tasks of one job (the .blend is loaded once). */
public interface Renderer {
    RenderSession open(SessionSpec spec) throws RenderException;

    /**
     * Starts {@code sessions} renderer processes now, before any job is known, so that their start-up overlaps
     * other work (inspection, staging). A later {@link #open} with the same threads and Python setting takes one
     * instead of starting its own. Nothing is rendered by a pre-warmed process until {@code open}. Unused ones are
     * stopped by {@link #close}.
     */
    default void prewarm(int sessions, int threads, boolean allowPython) {}

    /** Stops pre-warmed processes that were never used. */
    default void close() {}
}
