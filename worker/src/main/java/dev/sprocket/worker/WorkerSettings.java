package dev.sprocket.worker;

import java.time.Duration;

/**
 * @param threads     render threads per Blender session (0 = all cores)
 * @param pollWait    how long one long-poll for work waits before asking again
 * @param keepOutputs keep rendered files in the work dir after upload (debugging)
 * @param heartbeatEvery how often the lease is renewed (and a cancel noticed); capped at a third of the lease
 */
public record WorkerSettings(int threads, Duration pollWait, boolean keepOutputs, Duration heartbeatEvery) {
    public static WorkerSettings defaults() {
        return new WorkerSettings(0, Duration.ofSeconds(30), false, Duration.ofSeconds(2));
    }

    public WorkerSettings withThreads(int t) { return new WorkerSettings(t, pollWait, keepOutputs, heartbeatEvery); }
    public WorkerSettings withPollWait(Duration d) { return new WorkerSettings(threads, d, keepOutputs, heartbeatEvery); }
    public WorkerSettings withHeartbeatEvery(Duration d) { return new WorkerSettings(threads, pollWait, keepOutputs, d); }
}
