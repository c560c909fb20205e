package dev.sprocket.core.domain;

import java.util.Map;

/** Counts of a job's tasks and frames by state. */
public record JobProgress(Map<TaskState, Integer> tasksByState, int framesTotal, int framesDone) {
    public int tasks(TaskState s) { return tasksByState.getOrDefault(s, 0); }
}
