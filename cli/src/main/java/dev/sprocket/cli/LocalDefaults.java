package dev.sprocket.cli;

/**
 * Default split of this machine's cores into local Blender sessions. Measured (docs/benchmarks.md): one
 * single-threaded session per core beats one session using every core, because each session's serial parts
 * (scene sync, image save) overlap with the other sessions' rendering.
 */
final class LocalDefaults {
    private LocalDefaults() {}

    static int cores() { return Runtime.getRuntime().availableProcessors(); }

    static int workers(int frames) { return Math.max(1, Math.min(cores(), frames)); }

    static int threadsPerWorker(int workers) { return Math.max(1, cores() / Math.max(1, workers)); }
}
