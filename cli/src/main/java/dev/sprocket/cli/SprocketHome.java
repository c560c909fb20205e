package dev.sprocket.cli;

import java.nio.file.Path;

/** Where the embedded farm keeps its state: SPROCKET_HOME, default ~/.sprocket. */
record SprocketHome(Path dir) {
    static SprocketHome fromEnvironment() {
        // The system property lets tests (which cannot set environment variables) point at a temp dir.
        String env = System.getProperty("sprocket.home", System.getenv("SPROCKET_HOME"));
        Path dir = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".sprocket");
        return new SprocketHome(dir.toAbsolutePath());
    }

    Path database() { return dir.resolve("sprocket.db"); }
    Path blobs() { return dir.resolve("blobs"); }
    Path workers() { return dir.resolve("workers"); }
}
