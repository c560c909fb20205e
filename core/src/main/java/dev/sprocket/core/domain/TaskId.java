package dev.sprocket.core.domain;

/** A task is the {@code index}-th chunk of a job. */
public record TaskId(String jobId, int index) {
    @Override public String toString() { return jobId + "/" + index; }

    public static TaskId parse(String s) {
        int slash = s.lastIndexOf('/');
        if (slash < 1) throw new IllegalArgumentException("not a task id: " + s);
        return new TaskId(s.substring(0, slash), Integer.parseInt(s.substring(slash + 1)));
    }
}
