package dev.sprocket.core.domain;

public enum AttemptOutcome {
    RUNNING,
    SUCCEEDED,
    /** Blender reported an error or exited non-zero. Counts against the task's retries. */
    FAILED,
    /** Blender died (signal, crash). Counts against retries: a scene can crash Blender every time. */
    CRASHED,
    /** The lease expired or was handed back: the worker, not the task, is to blame. */
    LOST,
    /** The task was canceled or paused while running. */
    STOPPED
}
