package dev.sprocket.store;

import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Task;
import dev.sprocket.core.domain.TaskEvent;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.domain.TaskState;
import dev.sprocket.core.domain.TaskStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.sprocket.store.Jobs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskTransitionsTest {
    @TempDir Path dir;

    @Test
    void sourcesAreReadFromTheStateMachine() {
        for (TaskEvent event : TaskEvent.values()) {
            for (TaskState from : TaskState.values()) {
                assertThat(Optional.ofNullable(TaskTransitions.moves(event).get(from)))
                        .isEqualTo(TaskStateMachine.next(from, event));
            }
        }
        assertThat(TaskTransitions.sources(TaskEvent.LEASE)).containsExactly(TaskState.QUEUED);
    }

    @Test
    void leaseIsNotAnUpdate() {
        assertThatThrownBy(() -> TaskTransitions.update(TaskEvent.LEASE, false)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Today every event leads to one state. Should the table ever send one event to different states (and only
     * some of them active), the generated SQL must pick the target, and keep or clear the lease, per source row.
     */
    @Test
    void oneEventWithSeveralTargetsMovesEachRowByItsOwnState() {
        Path file = dir.resolve("sprocket.db");
        try (SqliteJobStore store = new SqliteJobStore(file)) {
            var job = Jobs.job("j", "1-2", 1);
            store.create(job, job.frames().chunks(1));
            store.leaseNext("w0", T0, Duration.ofMinutes(1));
            store.leaseNext("w1", T0, Duration.ofMinutes(1));
            assertThat(store.transition(new TaskId("j", 1), Optional.of(1L), TaskEvent.START, Optional.empty(),
                    AttemptReport.empty(), List.of(), T0)).isTrue();
        }
        Map<TaskState, TaskState> moves = new EnumMap<>(TaskState.class);
        moves.put(TaskState.LEASED, TaskState.RUNNING);  // stays active: keeps worker and expiry
        moves.put(TaskState.RUNNING, TaskState.PAUSED);  // leaves: clears them
        String sql = TaskTransitions.update(TaskEvent.PAUSE, moves, false);
        try (SqliteDatabase db = new SqliteDatabase(file, SqliteSettings.defaults())) {
            for (int idx = 0; idx < 2; idx++) {
                int i = idx;
                int changed = db.write(h -> h.createUpdate(sql).bind("job", "j").bind("idx", i).bind("now", 0L).execute());
                assertThat(changed).isEqualTo(1);
            }
        }
        try (SqliteJobStore store = new SqliteJobStore(file)) {
            Task first = store.task(new TaskId("j", 0)).orElseThrow();
            Task second = store.task(new TaskId("j", 1)).orElseThrow();
            assertThat(first.state()).isEqualTo(TaskState.RUNNING);
            assertThat(first.worker()).contains("w0");
            assertThat(first.leaseExpiresAt()).isPresent();
            assertThat(second.state()).isEqualTo(TaskState.PAUSED);
            assertThat(second.worker()).isEmpty();
            assertThat(second.leaseExpiresAt()).isEmpty();
        }
    }
}
