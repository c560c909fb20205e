package dev.sprocket.core.port;

import java.util.List;

/** Starts and stops workers. Local threads today; EC2 instances later. */
public interface Fleet extends AutoCloseable {
    void start(int workers);

    /** What each worker is doing, for progress displays. */
    List<WorkerStatus> status();

    /** Stops all workers; running tasks are handed back. */
    @Override void close();
}
