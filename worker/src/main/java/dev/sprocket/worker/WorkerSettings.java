package dev.sprocket.worker;

import java.time.Duration;

/**
 * @param threads     render threads per Blender session (0 = all cores)
 * @param pollWait    how long one long-poll for work waits before asking again
 * @param keepOutputs keep rendered files in the work dir after upload (debugging)
 */
public record WorkerSettings(int threads, Duration pollWait, boolean keepOutputs) {
    public static WorkerSettings defaults() {
        return new WorkerSettings(0, Duration.ofSeconds(30), false);
    }

    public WorkerSettings withThreads(int t) { return new WorkerSettings(t, pollWait, keepOutputs); }
    public WorkerSettings withPollWait(Duration d) { return new WorkerSettings(threads, d, keepOutputs); }
}
