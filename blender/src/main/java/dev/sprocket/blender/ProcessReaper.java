package dev.sprocket.blender;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Kills Blender process trees, and every Blender still running when the JVM exits (a crashed worker must not leave
 * Blender processes rendering for nobody).
 */
final class ProcessReaper {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ProcessReaper::killTree), "sprocket-blender-reaper"));
    }

    private ProcessReaper() {}

    static void register(Process p) {
        LIVE.add(p);
        p.onExit().thenRun(() -> LIVE.remove(p));
    }

    /** Kills the process and its descendants at once (SIGKILL): used for abort, timeouts and shutdown. */
    static void killTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** {@link #killTree} and wait (briefly) until the process is really gone, so callers may rely on it. */
    static void killTreeAndWait(Process p) {
        killTree(p);
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
