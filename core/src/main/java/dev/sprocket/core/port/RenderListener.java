package dev.sprocket.core.port;

/** Progress of a render, as parsed from Blender's output. */
public interface RenderListener {
    /** @param text short human text, e.g. "frame 12, sample 40/128" */
    void progress(int frame, String text);

    /** A frame's file is complete on disk. */
    default void frameDone(int frame) {}

    RenderListener NONE = (frame, text) -> {};
}
