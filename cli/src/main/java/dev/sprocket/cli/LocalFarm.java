package dev.sprocket.cli;

import dev.sprocket.core.dispatch.DispatchSettings;
import dev.sprocket.core.dispatch.Dispatcher;
import dev.sprocket.core.dispatch.InProcessWorkSource;
import dev.sprocket.core.port.BlobStore;
import dev.sprocket.core.port.JobStore;
import dev.sprocket.core.port.Renderer;
import dev.sprocket.store.DirectoryBlobStore;
import dev.sprocket.store.SqliteJobStore;
import dev.sprocket.worker.LocalFleet;
import dev.sprocket.worker.WorkerSettings;

import java.time.Clock;

/**
 * The embedded farm: SQLite job store and directory blob store under SPROCKET_HOME, the dispatcher, and local
 * worker threads talking to it in-process. The same dispatcher runs behind the server.
 */
final class LocalFarm implements AutoCloseable {
    final JobStore store;
    final BlobStore blobs;
    final Dispatcher dispatcher;
    private final SprocketHome home;
    private final Renderer renderer;
    private LocalFleet fleet;

    LocalFarm(SprocketHome home, Renderer renderer, DispatchSettings settings) throws java.io.IOException {
        this.home = home;
        this.renderer = renderer;
        this.store = new SqliteJobStore(home.database());
        // No fsync per blob: these are intermediate copies of one local run (a power loss ends the run anyway), and
        // two syncs per frame were a measurable share of per-task overhead. Frames reach --output atomically.
        this.blobs = new DirectoryBlobStore(home.blobs(), new DirectoryBlobStore.Options(true, false));
        this.dispatcher = new Dispatcher(store, Clock.systemUTC(), settings);
    }

    /** Starts {@code workers} local workers that take only tasks of {@code jobId}. */
    LocalFleet startWorkers(String jobId, int workers, WorkerSettings settings) {
        fleet = new LocalFleet(new InProcessWorkSource(dispatcher, jobId), blobs, renderer, home.workers(), settings);
        fleet.start(workers);
        return fleet;
    }

    @Override public void close() {
        if (fleet != null) fleet.close();
        renderer.close();
        store.close();
    }
}
