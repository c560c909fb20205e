package dev.sprocket.core.port;

import dev.sprocket.core.domain.TaskId;

/** The one place blob keys are spelled out, so every adapter lays data out the same way. */
public final class BlobKeys {
    private BlobKeys() {}

    public static String input(String sha256) {
        if (!sha256.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("not a sha256: " + sha256);
        return "inputs/" + sha256.substring(0, 2) + "/" + sha256;
    }

    public static String manifest(String jobId) { return "jobs/" + jobId + "/manifest"; }

    /** Outputs go under the attempt's token, so a stale attempt can never overwrite an accepted result. */
    public static String output(TaskId task, long token, String name) {
        return "jobs/" + task.jobId() + "/tasks/" + task.index() + "/" + token + "/" + name;
    }

    public static String log(TaskId task, long token) {
        return "jobs/" + task.jobId() + "/tasks/" + task.index() + "/" + token + "/blender.log";
    }
}
