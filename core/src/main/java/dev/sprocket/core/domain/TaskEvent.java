package dev.sprocket.core.domain;

/** Everything that can happen to a task. {@link TaskStateMachine} says where each one leads. */
public enum TaskEvent {
    /** A worker took the task. */
    LEASE,
    /** The worker reported that Blender started on it. */
    START,
    /** The worker delivered every output with the current token. */
    COMPLETE,
    /** A real render failure, with attempts left. */
    FAIL_RETRY,
    /** A real render failure, out of attempts. */
    FAIL_FINAL,
    /** The lease ran out (worker lost or hung); not the task's fault. */
    EXPIRE,
    /** The worker handed the task back (e.g. draining); not the task's fault. */
    RELEASE,
    PAUSE, RESUME, CANCEL,
    /** The user asked for the task again. */
    RETRY
}
