package dev.sprocket.blender;

import dev.sprocket.core.port.RenderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Blenders started ahead of time without a .blend ({@link SessionProcess#launch} without a file), waiting for an
 * open command. Keyed by what cannot change after launch: {@code -t} and {@code -Y}/{@code -y}. Thread-safe: workers
 * take from it concurrently.
 */
final class WarmPool {
    private static final Logger log = LoggerFactory.getLogger(WarmPool.class);

    private record Key(int threads, boolean allowPython) {
        Key {
            threads = Math.max(0, threads); // -t 0 and a negative count both mean "all cores"
        }
    }

    private final Blender blender;
    private final Map<Key, Deque<SessionProcess>> idle = new HashMap<>(); // guarded by this

    WarmPool(Blender blender) {
        this.blender = blender;
    }

    /**
     * Launches {@code n} Blenders and returns without waiting for them (a launch is a fork/exec, milliseconds).
     * A Blender that cannot start is only logged: {@code open} then starts its own and reports why it cannot.
     */
    void fill(int n, int threads, boolean allowPython) {
        Key key = new Key(threads, allowPython);
        for (int i = 0; i < n; i++) {
            SessionProcess p;
            try {
                p = SessionProcess.launch(blender, null, key.threads(), key.allowPython(), null);
            } catch (RenderException e) {
                log.warn("cannot pre-warm Blender: {}", e.getMessage());
                return;
            }
            synchronized (this) {
                idle.computeIfAbsent(key, k -> new ArrayDeque<>()).add(p);
            }
        }
    }

    /** A live pre-warmed Blender for these settings, or null. Dead ones (killed, crashed) are dropped on the way. */
    SessionProcess take(int threads, boolean allowPython) {
        Key key = new Key(threads, allowPython);
        while (true) {
            SessionProcess p;
            synchronized (this) {
                Deque<SessionProcess> q = idle.get(key);
                p = q == null ? null : q.poll();
            }
            if (p == null || p.alive()) return p;
            log.info("pre-warmed Blender (pid {}) is gone ({}); not using it", p.pid(), p.exitDescription());
            p.kill();
        }
    }

    /** Stops every Blender not taken: all are asked to quit at once, then each is killed once {@code grace} is over. */
    void close(Duration grace) {
        List<SessionProcess> all = new ArrayList<>();
        synchronized (this) {
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(SessionProcess::requestQuit);
        long deadline = System.nanoTime() + grace.toNanos();
        for (SessionProcess p : all) p.quit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
}
