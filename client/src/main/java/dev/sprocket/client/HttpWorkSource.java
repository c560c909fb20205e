package dev.sprocket.client;

import dev.sprocket.api.Dto;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.port.WorkSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A worker's {@link WorkSource} on a remote coordinator. The worker only ever connects out (it opens no port).
 * <ul>
 *   <li>{@link #lease}: long-poll ({@code waitMs}); 204 → no task; 410 → {@link #drainRequested} becomes true.
 *       While the coordinator cannot be reached it waits (with backoff, within the poll's wait) and returns empty,
 *       so the worker keeps polling until it is back.</li>
 *   <li>{@link #heartbeat}: 200 → true; 409/404 → false (the lease is gone: the worker stops Blender);
 *       no answer or 5xx → true (logged), because the coordinator may just be restarting and leases survive that.</li>
 *   <li>{@link #complete}, {@link #fail}: retried with backoff while the coordinator is unreachable or answers 5xx,
 *       for up to {@link Settings#deliverFor} (a result rendered during a coordinator restart still gets through);
 *       409 → not accepted.</li>
 *   <li>{@link #release}, {@link #started}: retried for {@link Settings#releaseFor} only: a released task that
 *       cannot be handed back simply waits for its lease to expire, and a worker being stopped should not hang.</li>
 * </ul>
 */
public final class HttpWorkSource implements WorkSource {
    private static final Logger log = LoggerFactory.getLogger(HttpWorkSource.class);

    /**
     * @param deliverFor  how long completions and failures are retried while the coordinator is away
     * @param releaseFor  how long releases and start notices are retried
     * @param registration what the worker tells about itself when it registers
     */
    public record Settings(RetryPolicy deliverFor, RetryPolicy releaseFor, Dto.RegisterRequest registration) {
        public static Settings defaults() {
            return new Settings(RetryPolicy.defaults(), RetryPolicy.defaults().withGiveUpAfter(Duration.ofSeconds(30)),
                    new Dto.RegisterRequest(Optional.empty(), Runtime.getRuntime().availableProcessors(), Optional.empty()));
        }

        public Settings withDeliverFor(RetryPolicy p) { return new Settings(p, releaseFor, registration); }
        public Settings withReleaseFor(RetryPolicy p) { return new Settings(deliverFor, p, registration); }
        public Settings withRegistration(Dto.RegisterRequest r) { return new Settings(deliverFor, releaseFor, r); }
    }

    private final CoordinatorClient client;
    private final Settings settings;
    private final AtomicBoolean drain = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The last poll found the coordinator away (so one warning is logged per outage, not one per try). */
    private final AtomicBoolean away = new AtomicBoolean();
    /** Heartbeats are not getting through (one warning per outage). */
    private final AtomicBoolean heartbeatsAway = new AtomicBoolean();
    /**
     * Leases that came with a completion ({@link #complete}), by worker, until that worker's next {@link #lease};
     * handed back if it stops first.
     */
    private final Map<String, Lease> fetchedAhead = new ConcurrentHashMap<>();
    /** The long-poll in progress, if any. */
    private final AtomicReference<Poll> polling = new AtomicReference<>();
    /** Abandoned polls not yet answered (and their leases, if any, not yet handed back). */
    private final Set<CompletableFuture<Void>> abandoned = ConcurrentHashMap.newKeySet();
    private volatile Dto.RegisterResponse registered;

    public HttpWorkSource(CoordinatorClient client) {
        this(client, Settings.defaults());
    }

    public HttpWorkSource(CoordinatorClient client, Settings settings) {
        this.client = client;
        this.settings = settings;
    }

    public CoordinatorClient client() { return client; }

    /** What the coordinator answered to the last registration (heartbeat and lease periods), if any. */
    public Optional<Dto.RegisterResponse> registration() { return Optional.ofNullable(registered); }

    /**
     * Registers the worker, once (later calls with the same name do nothing). Retried while the coordinator cannot
     * be reached (a worker may start before it); a refusal (bad token, bad name) throws {@link CoordinatorException}
     * at once.
     */
    @Override public void register(String worker) {
        // Once per worker and process: registering again would clear a drain the coordinator asked for meanwhile.
        Dto.RegisterResponse r = registered;
        if (r != null && r.name().equals(worker)) return;
        registerAgain(worker);
    }

    private void registerAgain(String worker) {
        try {
            registered = Retrier.run(settings.deliverFor(), "registering worker " + worker + " with " + client.baseUrl(),
                    () -> client.register(worker, settings.registration()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override public boolean drainRequested(String worker) { return drain.get() || closed.get(); }

    /**
     * One long-poll: {@code sent} is completed by the HTTP client; the worker waits on {@code waited}, which may be
     * cancelled (stop, interrupt) while {@code sent} still gets its answer.
     */
    private record Poll(String worker, CompletableFuture<LeasePoll> sent, CompletableFuture<LeasePoll> waited) {}

    /**
     * Stops taking work: {@link #drainRequested} becomes true, the poll in progress (if any) returns empty at once,
     * and later ones return empty without asking. Results of tasks already running are still delivered.
     * <p>A long-poll cannot be taken back (the coordinator may answer it with a lease even when the connection is
     * gone), so the worker asks the coordinator to drain it, which ends the waiting poll with 410 and hands this
     * worker nothing more (registering again clears that). A lease that still arrives on the abandoned poll is
     * released at once; {@link #awaitAbandoned} waits for that.
     */
    public void stopLeasing() {
        if (closed.getAndSet(true)) return;
        fetchedAhead.keySet().forEach(this::signOff);
        Poll p = polling.get();
        if (p == null) return;
        abandon(p);
        try {
            client.drain(p.worker());
        } catch (CoordinatorException e) {
            log.debug("could not ask the coordinator to end the poll of {}: {}", p.worker(), e.getMessage());
        }
    }

    /** Waits until abandoned polls are answered and any lease they brought is handed back. False on timeout. */
    public boolean awaitAbandoned(Duration timeout) {
        CompletableFuture<?> all = CompletableFuture.allOf(abandoned.toArray(CompletableFuture<?>[]::new));
        try {
            all.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return all.isDone();
        }
    }

    /** The worker stops waiting for this poll; whatever lease it still brings is handed straight back. */
    private void abandon(Poll p) {
        CompletableFuture<Void> handled = p.sent().handle((poll, ex) -> {
            if (poll != null && poll.lease().isPresent()) {
                Lease l = poll.lease().get();
                log.info("{}: handing back task {}, which arrived after the worker stopped taking work", p.worker(), l.taskId());
                release(l, AttemptReport.message(p.worker() + " stopped before it could start the task"));
            }
            return null;
        });
        abandoned.add(handled);
        handled.whenComplete((x, e) -> abandoned.remove(handled));
        p.waited().cancel(true);
    }

    @Override public Optional<Lease> lease(String worker, Duration wait) throws InterruptedException {
        Lease ahead = fetchedAhead.remove(worker);
        if (ahead != null) {
            if (!closed.get()) return Optional.of(ahead);
            release(ahead, AttemptReport.message(worker + " stopped before it could start the task"));
        }
        if (closed.get() || drain.get()) return Optional.empty();
        long deadline = System.nanoTime() + wait.toNanos();
        long backoff = settings.deliverFor().firstBackoff().toNanos();
        while (true) {
            CompletableFuture<LeasePoll> sent = client.leaseAsync(worker, wait);
            // Not sent.thenApply(...): cancelling a future derived from the HTTP client's cancels the request, and
            // then the lease the coordinator may already be sending would be lost with the connection.
            CompletableFuture<LeasePoll> waited = new CompletableFuture<>();
            sent.whenComplete((v, ex) -> {
                if (ex != null) waited.completeExceptionally(ex);
                else waited.complete(v);
            });
            Poll p = new Poll(worker, sent, waited);
            polling.set(p);
            if (closed.get()) abandon(p); // stopLeasing() ran between the check above and now
            try {
                LeasePoll poll = p.waited().get();
                if (away.compareAndSet(true, false)) log.info("{}: coordinator {} is back", worker, client.baseUrl());
                if (poll.drain()) {
                    log.info("{}: the coordinator asked this worker to drain", worker);
                    drain.set(true);
                }
                if (poll.lease().isPresent() && closed.get()) {
                    // stopLeasing() came while the lease was on its way: the worker will not start it.
                    release(poll.lease().get(), AttemptReport.message(worker + " stopped before it could start the task"));
                    return Optional.empty();
                }
                return poll.lease();
            } catch (CancellationException e) {
                return Optional.empty(); // abandoned: abandon() takes care of a lease that may still come
            } catch (InterruptedException e) {
                abandon(p);
                throw e;
            } catch (ExecutionException e) {
                Throwable c = e.getCause() instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : e.getCause();
                if (c instanceof CoordinatorException ce && ce.notFound()) {
                    // The coordinator forgot this worker (its data was reset): introduce ourselves again.
                    log.warn("{}: the coordinator does not know this worker ({}); registering again", worker, ce.getMessage());
                    registerAgain(worker);
                    continue;
                }
                CoordinatorException ce = c instanceof CoordinatorException x ? x
                        : new CoordinatorException("cannot reach coordinator at " + client.baseUrl() + ": " + c, c);
                if (!ce.transientFailure()) throw ce;
                if (away.compareAndSet(false, true)) log.warn("{}: {}; waiting for it to come back", worker, ce.getMessage());
                else log.debug("{}: still away: {}", worker, ce.getMessage());
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed.get()) return Optional.empty();
                Thread.sleep(Math.max(1, Math.min(backoff, left) / 1_000_000));
                backoff = Math.min(backoff * 2, settings.deliverFor().maxBackoff().toNanos());
                if (System.nanoTime() - deadline >= 0 || closed.get()) return Optional.empty();
            } finally {
                polling.compareAndSet(p, null);
            }
        }
    }

    @Override public boolean heartbeat(Lease lease, Optional<String> progress) {
        try {
            client.heartbeat(lease.taskId(), lease.token(), progress);
            if (heartbeatsAway.compareAndSet(true, false)) log.info("heartbeats for task {} get through again", lease.taskId());
            return true;
        } catch (CoordinatorException e) {
            if (e.conflict() || e.notFound()) {
                log.info("lease of task {} (token {}) is gone: {}", lease.taskId(), lease.token(), e.getMessage());
                return false;
            }
            // The coordinator may be restarting; leases outlive that. Keep rendering.
            if (heartbeatsAway.compareAndSet(false, true)) {
                log.warn("heartbeat for task {} not delivered ({}); rendering on", lease.taskId(), e.getMessage());
            } else {
                log.debug("heartbeat for task {} not delivered ({})", lease.taskId(), e.getMessage());
            }
            return true;
        }
    }

    @Override public boolean started(Lease lease) {
        return deliver(settings.releaseFor(), "start of task " + lease.taskId(), true,
                () -> client.started(lease.taskId(), lease.token()));
    }

    /**
     * Delivers the result and, unless this worker is stopping or draining, asks for its next task in the same
     * request; that lease is what the worker's next {@link #lease} returns (one request per task, not two).
     */
    @Override public boolean complete(Lease lease, List<OutputFile> outputs, AttemptReport report) {
        String worker = lease.worker();
        Optional<String> nextFor = closed.get() || drain.get() || fetchedAhead.containsKey(worker)
                ? Optional.empty() : Optional.of(worker);
        AtomicReference<Optional<Lease>> next = new AtomicReference<>(Optional.empty());
        boolean accepted = deliver(settings.deliverFor(), "completion of task " + lease.taskId(), false,
                () -> next.set(client.complete(lease.taskId(), lease.token(), outputs, report, nextFor)));
        next.get().ifPresent(n -> {
            fetchedAhead.put(worker, n);
            if (closed.get()) signOff(worker); // stopLeasing() ran meanwhile
        });
        return accepted;
    }

    @Override public void signOff(String worker) {
        Lease ahead = fetchedAhead.remove(worker);
        if (ahead != null) release(ahead, AttemptReport.message(worker + " stopped before it could start the task"));
    }

    @Override public void fail(Lease lease, AttemptOutcome outcome, AttemptReport report) {
        deliver(settings.deliverFor(), "failure report of task " + lease.taskId(), false,
                () -> client.fail(lease.taskId(), lease.token(), outcome, report));
    }

    @Override public void release(Lease lease, AttemptReport report) {
        deliver(settings.releaseFor(), "release of task " + lease.taskId(), false,
                () -> client.release(lease.taskId(), lease.token(), report));
    }

    /**
     * Sends until accepted, refused, or out of time. True when accepted; false on 409/404 (stale lease) or any other
     * refusal; {@code whenUnreachable} when the coordinator stayed away for the whole policy.
     */
    private boolean deliver(RetryPolicy policy, String what, boolean whenUnreachable, Runnable call) {
        try {
            Retrier.run(policy, what, () -> {
                call.run();
                return null;
            });
            return true;
        } catch (CoordinatorException e) {
            if (e.conflict() || e.notFound()) {
                log.info("{} not accepted: {}", what, e.getMessage());
                return false;
            }
            if (e.transientFailure()) {
                log.error("{}: {}", what, e.getMessage());
                return whenUnreachable;
            }
            log.error("{} refused by the coordinator: {}", what, e.getMessage());
            return false;
        } catch (IOException e) {
            log.error("{}: {}", what, e.toString());
            return whenUnreachable;
        }
    }
}
