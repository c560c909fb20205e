package dev.sprocket.store;

import java.nio.file.Path;

/**
 * Maps '/'-separated blob keys to paths under a root, refusing any key that could leave the root or that names the
 * same file in two ways: empty keys or segments, '.' and '..', absolute keys, backslashes, control characters.
 */
final class BlobKeyPaths {
    private final Path root;

    BlobKeyPaths(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() { return root; }

    /** @throws IllegalArgumentException naming the key and what is wrong with it */
    Path resolve(String key) {
        if (key == null || key.isEmpty()) throw new IllegalArgumentException("blob key is empty");
        if (key.startsWith("/")) throw invalid(key, "it is absolute");
        if (key.indexOf('\\') >= 0) throw invalid(key, "it contains a backslash; separate segments with '/'");
        if (key.chars().anyMatch(c -> c < ' ' || c == 0x7f)) throw invalid(key, "it contains a control character");
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) throw invalid(key, "it has an empty segment");
            if (segment.equals(".") || segment.equals("..")) throw invalid(key, "it has a '" + segment + "' segment");
        }
        Path path = root.resolve(key).normalize();
        // Catches what is absolute on another platform, e.g. "C:x" on Windows.
        if (!path.startsWith(root) || path.equals(root)) throw invalid(key, "it does not name a file under " + root);
        return path;
    }

    private static IllegalArgumentException invalid(String key, String why) {
        return new IllegalArgumentException("invalid blob key '" + key + "': " + why);
    }
}
