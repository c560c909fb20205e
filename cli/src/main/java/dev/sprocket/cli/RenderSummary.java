package dev.sprocket.cli;

import java.util.List;

/**
 * What a render did, for the final report (and --json).
 *
 * @param renderSeconds summed Blender render time over all successful attempts
 * @param retries       attempts that did not succeed but whose task was tried again
 * @param timings       seconds spent in each phase: inspect, stage, render (dispatch to last frame), collect
 */
record RenderSummary(
        String jobId,
        String state,
        String outputDir,
        int framesTotal,
        int framesDone,
        double wallSeconds,
        double renderSeconds,
        int retries,
        List<Failure> failures,
        Timings timings,
        int workers,
        int threadsPerWorker) {

    record Failure(String task, List<Integer> frames, String message, String log) {}

    record Timings(double inspect, double stage, double render, double collect) {}

    boolean ok() { return framesDone == framesTotal && failures.isEmpty(); }
}
