package dev.sprocket.core.domain;

import java.time.Instant;

/**
 * One .blend to render: what was staged (the manifest in the blob store) and how to render it.
 *
 * @param manifestKey blob key of the staged {@link dev.sprocket.core.stage.Manifest}
 * @param scene       the scene to render (empty = the file's active scene)
 */
public record Job(
        String id,
        String name,
        String manifestKey,
        String scene,
        FrameSpec frames,
        int chunk,
        RenderSettings settings,
        int priority,
        JobState state,
        Instant createdAt) {

    public Job withState(JobState s) {
        return new Job(id, name, manifestKey, scene, frames, chunk, settings, priority, s, createdAt);
    }
}
