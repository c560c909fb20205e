package dev.sprocket.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * SQLite's one writer, as one thread that owns a connection: callers hand it units of work and wait; it runs every
 * unit that is waiting as one transaction ({@code BEGIN IMMEDIATE … COMMIT}).
 * <p>Why: SQLite admits one writer at a time anyway, so a thousand workers completing tasks would otherwise queue
 * for the lock one transaction each. Committing what has queued up meanwhile in one go ("group commit") costs one
 * BEGIN/COMMIT and one WAL append for all of them, with no lock hand-over between threads, and the statements stay
 * prepared on the one connection ({@link CachingStatementBuilder}).
 * <p>Each unit is still atomic and isolated from the others: a unit that throws is rolled back and its caller gets
 * the exception, while the other units of the batch commit (see {@link #runBatch}). A caller returns only after its unit
 * committed (or failed), so what it was told is durable. Units run in the order they were submitted.
 * <p>A unit that itself reads or writes the database (a nested call from the writer thread) runs inline on the same
 * connection, as part of the unit.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    /** Enough to empty the queue of a thousand workers in a few batches; bounds how long one caller can wait. */
    static final int MAX_BATCH = 512;

    private static final Unit<Void> STOP = new Unit<>(h -> null);

    private final Supplier<Handle> connect;
    private final LinkedBlockingQueue<Unit<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;
    /** The writer thread's own connection, and its statements kept prepared; touched only on that thread. */
    private Handle handle;
    private FastSql.Cached statements;

    private static final class Unit<T> {
        final HandleCallback<T, RuntimeException> work;
        final CompletableFuture<T> done = new CompletableFuture<>();
        T result;
        Throwable failure;

        Unit(HandleCallback<T, RuntimeException> work) { this.work = work; }

        void run(Handle h) { result = work.withHandle(h); }
        void finish() {
            if (failure != null) done.completeExceptionally(failure);
            else done.complete(result);
        }
    }

    /** @param connect opens the writer's connection (again after a broken one); the writer closes it */
    GroupCommitWriter(String name, Supplier<Handle> connect) {
        this.connect = connect;
        this.handle = connect.get();
        this.statements = new FastSql.Cached(handle.getConnection());
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::loop);
        thread.start();
    }

    /** True on the writer thread, where the current unit's connection is {@link #handle()}. */
    boolean onWriterThread() {
        return Thread.currentThread() == thread;
    }

    /** The connection of the unit being run; only on the writer thread. */
    Handle handle() {
        if (!onWriterThread()) throw new IllegalStateException("the writer's connection is only for the writer thread");
        return handle;
    }

    /** Statements kept prepared on the writer's connection; only on the writer thread. */
    FastSql.Statements statements() {
        if (!onWriterThread()) throw new IllegalStateException("the writer's statements are only for the writer thread");
        return statements;
    }

    /** Runs {@code work} in a write transaction and returns what it returned once that committed. */
    <T> T write(HandleCallback<T, RuntimeException> work) {
        if (onWriterThread()) return work.withHandle(handle); // nested: part of the unit being run
        if (closed) throw new IllegalStateException("the job store is closed");
        Unit<T> unit = new Unit<>(work);
        queue.add(unit);
        try {
            return unit.done.join(); // not interruptible: the unit may already be committing
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw e;
        }
    }

    private void loop() {
        List<Unit<?>> batch = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only close() stops the writer, and it does so with STOP
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            stopping = batch.remove(STOP);
            if (stopping) queue.drainTo(batch); // units submitted before close() still run
            if (!batch.isEmpty()) runBatch(batch);
            batch.clear();
        }
        for (Unit<?> late; (late = queue.poll()) != null; ) {
            late.failure = new IllegalStateException("the job store is closed");
            late.finish();
        }
        statements.close();
        handle.close();
    }

    /**
     * Runs the batch as one transaction. Should a unit throw, that transaction is rolled back and every unit of the
     * batch runs again in a transaction of its own, so only the failing one fails (units are store calls: running
     * one again after a rollback is the same as running it once). Failures are rare; savepoints around every unit
     * cost more than these re-runs.
     */
    private void runBatch(List<Unit<?>> batch) {
        if (batch.size() == 1 || !runTogether(batch)) {
            for (Unit<?> unit : batch) runTogether(List.of(unit));
        }
    }

    /** False (and nothing kept) when a unit of a batch of several threw; otherwise every unit is finished. */
    private boolean runTogether(List<Unit<?>> units) {
        try {
            exec("BEGIN IMMEDIATE");
        } catch (RuntimeException e) {
            failAll(units, e);
            reconnectIfBroken();
            return true;
        }
        try {
            for (Unit<?> unit : units) {
                try {
                    unit.run(handle);
                } catch (RuntimeException | Error e) {
                    if (units.size() > 1) {
                        rollback(e);
                        return false;
                    }
                    unit.failure = e;
                }
            }
            exec(units.getFirst().failure == null ? "COMMIT" : "ROLLBACK");
        } catch (RuntimeException | Error e) {
            rollback(e);
            failAll(units, e);
            return true;
        }
        for (Unit<?> unit : units) unit.finish();
        return true;
    }

    /** Transaction control on the writer's connection, prepared once (through Jdbi it cost as much as the work). */
    private void exec(String sql) {
        try {
            java.sql.PreparedStatement ps = statements.prepare(sql);
            ps.execute();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(sql + " failed: " + e.getMessage(), e);
        }
    }

    private static void failAll(List<Unit<?>> batch, Throwable e) {
        for (Unit<?> unit : batch) {
            // A unit that failed on its own keeps its own reason; the others failed because the batch did.
            if (unit.failure == null) unit.failure = e;
            unit.finish();
        }
    }

    private void rollback(Throwable cause) {
        try {
            exec("ROLLBACK");
        } catch (Exception e) {
            // "no transaction is active" when SQLite already rolled back; anything else means a broken connection.
            cause.addSuppressed(e);
            reconnectIfBroken();
        }
    }

    /** After a failure that may have left the connection unusable: open a fresh one. */
    private void reconnectIfBroken() {
        try {
            handle.createQuery("SELECT 1").mapTo(Integer.class).one();
            return;
        } catch (RuntimeException broken) {
            log.warn("SQLite writer connection is broken ({}); opening a new one", broken.toString());
        }
        try {
            statements.close();
            handle.close();
        } catch (RuntimeException ignored) {
            // it is being replaced
        }
        handle = connect.get();
        statements = new FastSql.Cached(handle.getConnection());
    }

    /** Runs what was submitted before, then stops the writer and closes its connection. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        queue.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
