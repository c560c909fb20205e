package dev.sprocket.core.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumSet;
import java.util.Set;

import static dev.sprocket.core.domain.TaskEvent.*;
import static dev.sprocket.core.domain.TaskState.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TaskStateMachineTest {
    @Test void happyPath() {
        TaskState s = QUEUED;
        s = TaskStateMachine.require(s, LEASE);
        assertThat(s).isEqualTo(LEASED);
        s = TaskStateMachine.require(s, START);
        assertThat(s).isEqualTo(RUNNING);
        s = TaskStateMachine.require(s, COMPLETE);
        assertThat(s).isEqualTo(DONE);
    }

    @Test void lostLeasesAndRetriableFailuresRequeue() {
        for (TaskState active : Set.of(LEASED, RUNNING)) {
            assertThat(TaskStateMachine.next(active, EXPIRE)).contains(QUEUED);
            assertThat(TaskStateMachine.next(active, RELEASE)).contains(QUEUED);
            assertThat(TaskStateMachine.next(active, FAIL_RETRY)).contains(QUEUED);
            assertThat(TaskStateMachine.next(active, FAIL_FINAL)).contains(FAILED);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TaskState.class, names = {"DONE", "FAILED", "CANCELED"})
    void terminalStatesOnlyLeaveByRetry(TaskState terminal) {
        for (TaskEvent e : TaskEvent.values()) {
            if (e == RETRY) assertThat(TaskStateMachine.next(terminal, e)).contains(QUEUED);
            else assertThat(TaskStateMachine.next(terminal, e)).as(terminal + " + " + e).isEmpty();
        }
    }

    @Test void queuedTasksCannotBeCompletedOrFailed() {
        for (TaskEvent e : EnumSet.of(START, COMPLETE, FAIL_RETRY, FAIL_FINAL, EXPIRE, RELEASE, RESUME, RETRY)) {
            assertThat(TaskStateMachine.next(QUEUED, e)).as("QUEUED + " + e).isEmpty();
        }
    }

    @Test void pausedTasksOnlyResumeOrCancel() {
        for (TaskEvent e : TaskEvent.values()) {
            var next = TaskStateMachine.next(PAUSED, e);
            if (e == RESUME) assertThat(next).contains(QUEUED);
            else if (e == CANCEL) assertThat(next).contains(CANCELED);
            else assertThat(next).as("PAUSED + " + e).isEmpty();
        }
    }

    @Test void everyEventLeadsToOneTargetWhateverTheSource() {
        // Store adapters rely on this: they apply an event as one conditional UPDATE.
        for (TaskEvent e : TaskEvent.values()) {
            Set<TaskState> targets = EnumSet.noneOf(TaskState.class);
            for (TaskState s : TaskState.values()) TaskStateMachine.next(s, e).ifPresent(targets::add);
            assertThat(targets).as("targets of " + e).hasSize(1);
        }
    }

    @Test void illegalTransitionSaysWhat() {
        assertThatThrownBy(() -> TaskStateMachine.require(DONE, COMPLETE))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("DONE").hasMessageContaining("COMPLETE");
    }

    @Test void onlyActiveStatesAreActive() {
        assertThat(EnumSet.allOf(TaskState.class).stream().filter(TaskState::active)).containsExactlyInAnyOrder(LEASED, RUNNING);
        assertThat(EnumSet.allOf(TaskState.class).stream().filter(TaskState::terminal)).containsExactlyInAnyOrder(DONE, FAILED, CANCELED);
    }
}
