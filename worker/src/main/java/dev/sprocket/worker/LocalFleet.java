package dev.sprocket.worker;

import dev.sprocket.core.port.BlobStore;
import dev.sprocket.core.port.Fleet;
import dev.sprocket.core.port.Renderer;
import dev.sprocket.core.port.WorkSource;
import dev.sprocket.core.port.WorkerStatus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Workers as threads of this process, each with its own work directory and Blender session. */
public final class LocalFleet implements Fleet {
    private final WorkSource source;
    private final BlobStore blobs;
    private final Renderer renderer;
    private final Path workRoot;
    private final WorkerSettings settings;
    private final List<Worker> workers = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    public LocalFleet(WorkSource source, BlobStore blobs, Renderer renderer, Path workRoot, WorkerSettings settings) {
        this.source = source;
        this.blobs = blobs;
        this.renderer = renderer;
        this.workRoot = workRoot;
        this.settings = settings;
    }

    @Override public synchronized void start(int count) {
        for (int i = 0; i < count; i++) {
            String name = "local-" + (workers.size() + 1);
            Worker w = new Worker(name, source, blobs, renderer, workRoot.resolve(name), settings);
            Thread t = new Thread(w, name);
            t.setDaemon(true);
            workers.add(w);
            threads.add(t);
            t.start();
        }
    }

    @Override public List<WorkerStatus> status() {
        return workers.stream().map(Worker::status).toList();
    }

    /** True while any worker thread is alive (a worker that cannot run Blender stops itself). */
    public boolean anyAlive() {
        synchronized (this) {
            return threads.stream().anyMatch(Thread::isAlive);
        }
    }

    @Override public synchronized void close() {
        workers.forEach(Worker::stop);
        for (Thread t : threads) t.interrupt();
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
