package dev.sprocket.store;

import dev.sprocket.core.domain.TaskEvent;
import dev.sprocket.core.domain.TaskState;
import dev.sprocket.core.domain.TaskStateMachine;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link TaskStateMachine} turned into conditional UPDATE statements, one per event. The allowed source states and
 * their targets are read from the state machine (never restated here), so a change to the table changes the SQL.
 * Each statement changes the row only if its state is a source (and, when fenced, its token matches): the row
 * count says whether the transition happened. Plain SQL that SQLite and PostgreSQL both run.
 */
final class TaskTransitions {
    private static final Map<TaskEvent, Map<TaskState, TaskState>> MOVES = new EnumMap<>(TaskEvent.class);

    static {
        for (TaskEvent event : TaskEvent.values()) {
            Map<TaskState, TaskState> moves = new EnumMap<>(TaskState.class);
            for (TaskState from : TaskState.values()) {
                TaskStateMachine.next(from, event).ifPresent(to -> moves.put(from, to));
            }
            MOVES.put(event, moves);
        }
    }

    private TaskTransitions() {}

    /** Source state → target state for the event; empty when no state allows it. */
    static Map<TaskState, TaskState> moves(TaskEvent event) {
        return MOVES.get(event);
    }

    static Set<TaskState> sources(TaskEvent event) {
        Set<TaskState> sources = EnumSet.noneOf(TaskState.class);
        sources.addAll(moves(event).keySet());
        return sources;
    }

    /**
     * The UPDATE for {@code event}; parameters {@code :job :idx :now}, plus {@code :token} when fenced.
     * Applies the side effects the JobStore contract ties to transitions: leaving the active states clears
     * worker, expiry and progress; FAIL_RETRY/FAIL_FINAL count a failure; RETRY resets the count.
     */
    static String update(TaskEvent event, boolean fenced) {
        return update(event, moves(event), fenced);
    }

    /** {@link #update(TaskEvent, boolean)} for given moves; tests use it for tables the state machine lacks today. */
    static String update(TaskEvent event, Map<TaskState, TaskState> moves, boolean fenced) {
        if (event == TaskEvent.LEASE) throw new IllegalArgumentException("LEASE sets worker and expiry: use lease()");
        if (moves.isEmpty()) throw new IllegalArgumentException("no state allows " + event);
        List<String> set = new ArrayList<>();
        set.add("state = " + targetExpression(moves));
        Set<TaskState> staysActive = moves.entrySet().stream().filter(e -> e.getValue().active())
                .map(Map.Entry::getKey).collect(Collectors.toCollection(() -> EnumSet.noneOf(TaskState.class)));
        if (staysActive.size() < moves.size()) {
            for (String column : List.of("worker", "lease_expires_at", "progress")) {
                // SET expressions see the old row, so "state" here is the state before the transition.
                set.add(column + " = " + (staysActive.isEmpty() ? "NULL"
                        : "CASE WHEN state IN " + Sql.in(staysActive) + " THEN " + column + " END"));
            }
        }
        switch (event) {
            case FAIL_RETRY, FAIL_FINAL -> set.add("failures = failures + 1");
            case RETRY -> set.add("failures = 0");
            default -> { }
        }
        set.add("updated_at = :now");
        return "UPDATE tasks SET " + String.join(", ", set)
                + " WHERE job_id = :job AND idx = :idx AND state IN " + Sql.in(moves.keySet())
                + (fenced ? " AND token = :token" : "");
    }

    /**
     * The UPDATE that leases one task: next token, worker and expiry. Parameters {@code :job :idx :worker :expires
     * :now}. The state condition makes a second lease of the same task change nothing.
     */
    static String lease() {
        return leaseWhere("job_id = :job AND idx = :idx");
    }

    /** {@link #lease()} of the row that {@code rowCondition} picks (e.g. {@code (job_id, idx) = (SELECT …)}). */
    static String leaseWhere(String rowCondition) {
        Map<TaskState, TaskState> moves = moves(TaskEvent.LEASE);
        if (moves.isEmpty() || !moves.values().stream().allMatch(TaskState::active)) {
            throw new IllegalStateException("the state machine must lease into an active state: " + moves);
        }
        return "UPDATE tasks SET state = " + targetExpression(moves) + ", token = token + 1, worker = :worker,"
                + " lease_expires_at = :expires, progress = NULL, progress_at = :now, updated_at = :now"
                + " WHERE " + rowCondition + " AND state IN " + Sql.in(moves.keySet());
    }

    /** A literal when every source leads to the same state (today's table), else a CASE on the old state. */
    private static String targetExpression(Map<TaskState, TaskState> moves) {
        Set<TaskState> targets = EnumSet.copyOf(moves.values());
        if (targets.size() == 1) return Sql.literal(targets.iterator().next());
        return moves.entrySet().stream()
                .map(e -> "WHEN " + Sql.literal(e.getKey()) + " THEN " + Sql.literal(e.getValue()))
                .collect(Collectors.joining(" ", "CASE state ", " END"));
    }
}
