package dev.sprocket.coordinator.http;

import dev.sprocket.core.domain.TaskId;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which blobs each attempt uploaded through this server, so that a stale attempt's files can all be deleted even
 * when its completion does not list them. Kept in memory only: after a restart, the completion's own list (outputs
 * and log) is what gets deleted. Entries end with the attempt's complete, fail or release call; attempts whose
 * worker vanished without one stay until the cap below, after which new attempts are simply not tracked.
 */
public final class AttemptFiles {
    /** Attempts tracked at once; far above the number of workers, so it is reached only if entries leak. */
    static final int MAX_TRACKED = 100_000;

    private final Map<String, Set<String>> byAttempt = new ConcurrentHashMap<>();

    void uploaded(TaskId task, long token, String key) {
        String prefix = BlobKey.AttemptFile.prefix(task, token);
        if (byAttempt.size() >= MAX_TRACKED && !byAttempt.containsKey(prefix)) return;
        byAttempt.computeIfAbsent(prefix, p -> ConcurrentHashMap.newKeySet()).add(key);
    }

    /** Stops tracking the attempt and returns what it uploaded. */
    Set<String> forget(TaskId task, long token) {
        Set<String> keys = byAttempt.remove(BlobKey.AttemptFile.prefix(task, token));
        return keys == null ? Set.of() : keys;
    }
}
