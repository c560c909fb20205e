package dev.sprocket.cli;

import dev.sprocket.api.Dto;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobProgress;
import dev.sprocket.core.domain.TaskState;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How jobs read on a terminal: shared by the client commands. */
final class JobText {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    private JobText() {}

    /** "3 done, 1 running, 8 queued": only the states that have tasks, in lifecycle order. */
    static String tasks(JobProgress p) {
        List<String> parts = new ArrayList<>();
        for (TaskState s : List.of(TaskState.DONE, TaskState.RUNNING, TaskState.LEASED, TaskState.QUEUED, TaskState.PAUSED,
                TaskState.FAILED, TaskState.CANCELED)) {
            int n = p.tasks(s);
            if (n > 0) parts.add(n + " " + s.name().toLowerCase(Locale.ROOT));
        }
        return parts.isEmpty() ? "no tasks" : String.join(", ", parts);
    }

    static String frames(JobProgress p) { return p.framesDone() + "/" + p.framesTotal(); }

    /** One line: "job ID 'name' ACTIVE, frames 3/24, tasks: ..." */
    static String summary(Dto.JobView v) {
        Job j = v.job();
        return "job " + j.id() + " '" + j.name() + "' " + j.state() + ", priority " + j.priority() + ", frames "
                + frames(v.progress()) + " (" + tasks(v.progress()) + ")";
    }

    static String when(Instant t) { return t == null ? "-" : WHEN.format(t); }

    static String ago(Instant t) {
        if (t == null) return "never";
        long s = Math.max(0, Duration.between(t, Instant.now()).toSeconds());
        if (s < 60) return s + "s ago";
        if (s < 3600) return (s / 60) + "m ago";
        if (s < 86400) return (s / 3600) + "h ago";
        return (s / 86400) + "d ago";
    }

    static String clip(String s, int max) {
        if (s == null) return "";
        return s.length() <= max ? s : s.substring(0, Math.max(0, max - 1)) + "…";
    }
}
