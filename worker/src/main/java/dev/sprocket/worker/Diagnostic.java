package dev.sprocket.worker;

import dev.sprocket.core.domain.Job;

/**
 * Jobs whose engine is {@value #ENGINE} render nothing: a worker completes each task at once, without Blender or
 * files. They exercise the whole dispatch protocol (lease, start, heartbeat, complete) for health checks and the
 * dispatch benchmark.
 */
public final class Diagnostic {
    public static final String ENGINE = "DIAGNOSTIC";

    private Diagnostic() {}

    public static boolean is(Job job) {
        return job.settings().engine().map(ENGINE::equals).orElse(false);
    }
}
