package dev.sprocket.store;

import dev.sprocket.core.domain.FrameSpec;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;

import java.time.Instant;

/** Test jobs. Instants are whole milliseconds, the precision the stores keep. */
final class Jobs {
    static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    private Jobs() {}

    static Job job(String id, String frames, int chunk) {
        return job(id, frames, chunk, 0, T0);
    }

    static Job job(String id, String frames, int chunk, int priority, Instant createdAt) {
        return new Job(id, "shot " + id, "jobs/" + id + "/manifest", "", FrameSpec.parse(frames), chunk,
                RenderSettings.defaults(OutputFormat.PNG), priority, JobState.ACTIVE, createdAt);
    }
}
