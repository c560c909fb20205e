package dev.sprocket.cli;

/**
 * Default split of this machine's cores into local Blender sessions: one session per two cores, each using its
 * share of the cores. Measured on 2 cores (docs/benchmarks.md, `bench/run local`): one 2-thread session beat two
 * 1-thread sessions (1.07× vs 1.10× of `blender -a`), because its single start-up is hidden entirely behind
 * inspection (pre-warming uses the cores inspection leaves idle), while a second session's start-up competes
 * with rendering. On bigger machines, several sessions still overlap each other's serial parts (scene sync,
 * image save); that half is extrapolated, not measured here.
 */
final class LocalDefaults {
    private LocalDefaults() {}

    static int cores() { return Runtime.getRuntime().availableProcessors(); }

    static int workers(int frames) { return Math.max(1, Math.min(cores() / 2, frames)); }

    static int threadsPerWorker(int workers) { return Math.max(1, cores() / Math.max(1, workers)); }
}
