package dev.sprocket.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sprocket.api.ApiJson;
import dev.sprocket.api.ApiPaths;
import dev.sprocket.api.Dto;
import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.AttemptOutcome;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.domain.WorkerInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Typed calls for every route of the coordinator's HTTP API (docs/api.md), over {@link HttpClient} with the API's
 * own JSON mapping ({@link ApiJson}).
 * <p>Errors: an answer with status ≥ 400 becomes a {@link CoordinatorException} carrying the status and the
 * server's one-line {@code {"error"}}; no answer at all (refused, timed out, cut off) becomes one with status 0
 * whose message starts "cannot reach coordinator at URL: ...". Nothing here retries; {@link HttpWorkSource} and
 * {@link HttpBlobStore} do, where a worker needs it.
 * <p>Calls block the calling thread and are not cut short by interrupts (every call has a time limit), except
 * {@link #lease}, which a worker must be able to abandon. Thread-safe.
 */
public final class CoordinatorClient implements AutoCloseable {
    /** Time limit of an ordinary call (a long-poll gets its wait on top). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Uploads get the default limit plus this much per byte (1 MB/s): a big file on a slow link must not time out. */
    private static final long UPLOAD_BYTES_PER_SECOND = 1_000_000;

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final Duration timeout;
    private final ObjectMapper json = ApiJson.mapper();
    private final AtomicLong bytesUploaded = new AtomicLong();
    private final AtomicLong bytesDownloaded = new AtomicLong();

    /**
     * @param baseUrl e.g. {@code http://render-box:7070} (a missing {@code http://} is added)
     * @param token   the API token ({@code SPROCKET_TOKEN}); may be empty for {@link #health()} alone
     */
    public CoordinatorClient(String baseUrl, String token) {
        this(baseUrl, token, DEFAULT_TIMEOUT);
    }

    public CoordinatorClient(String baseUrl, String token, Duration timeout) {
        this.base = parseBaseUrl(baseUrl);
        this.token = token == null ? "" : token.strip();
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Checks and normalises a coordinator address: {@code host:port}, {@code http://host:port} or
     * {@code https://host:port/prefix}. Throws IllegalArgumentException with a readable message otherwise.
     */
    public static URI parseBaseUrl(String url) {
        if (url == null || url.isBlank()) throw new IllegalArgumentException("coordinator URL is empty; write e.g. http://render-box:7070");
        String u = url.strip();
        if (!u.contains("://")) u = "http://" + u;
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a coordinator URL (" + e.getReason() + "); write e.g. http://render-box:7070");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("'" + url + "' is not an http(s) URL; write e.g. http://render-box:7070");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("'" + url + "' names no host; write e.g. http://render-box:7070");
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("'" + url + "' must not have a query or fragment; write e.g. http://render-box:7070");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        try {
            return new URI(scheme, null, uri.getHost(), uri.getPort(), path.isEmpty() ? null : path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a coordinator URL (" + e.getReason() + ")");
        }
    }

    /** The coordinator's address, e.g. {@code http://render-box:7070}. */
    public URI baseUrl() { return base; }

    /** Bytes sent in blob uploads so far (file and byte-array bodies of PUT /blobs). */
    public long bytesUploaded() { return bytesUploaded.get(); }

    /** Bytes received in blob downloads so far. */
    public long bytesDownloaded() { return bytesDownloaded.get(); }

    // ------------------------------------------------------------------ health

    /** {@code GET /health} (needs no token). Throws when the coordinator cannot be reached or is unhealthy. */
    public Dto.Health health() {
        return call("GET", ApiPaths.HEALTH, null, type(Dto.Health.class), timeout);
    }

    // ------------------------------------------------------------------ blobs

    /** Which of these input hashes the coordinator does not have yet. */
    public List<String> missingInputs(Collection<String> sha256) {
        if (sha256.isEmpty()) return List.of();
        Dto.MissingResponse r = call("POST", ApiPaths.BLOBS_MISSING, new Dto.MissingRequest(List.copyOf(sha256)),
                type(Dto.MissingResponse.class), timeout);
        return r.missing();
    }

    /** Uploads a file, streamed from disk (never read whole into memory). */
    public void putBlob(String key, Path file) throws IOException {
        long size = Files.size(file);
        HttpRequest req = request(blobPath(key), uploadTimeout(size))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(file))
                .build();
        check(exchange(req, HttpResponse.BodyHandlers.ofByteArray()));
        bytesUploaded.addAndGet(size);
    }

    public void putBlob(String key, byte[] data) {
        HttpRequest req = request(blobPath(key), uploadTimeout(data.length))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
                .build();
        check(exchange(req, HttpResponse.BodyHandlers.ofByteArray()));
        bytesUploaded.addAndGet(data.length);
    }

    /**
     * Downloads a blob into {@code target} atomically: streamed into a temp file beside it, then renamed over it.
     * Returns false (and leaves {@code target} alone) when the coordinator has no such blob.
     */
    public boolean getBlob(String key, Path target) throws IOException {
        Path dest = target.toAbsolutePath();
        HttpRequest req = request(blobPath(key), timeout).GET().build();
        HttpResponse<InputStream> resp = exchange(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = resp.body()) {
            if (resp.statusCode() == 404) return false;
            if (resp.statusCode() != 200) throw error(resp.statusCode(), readAll(in, key));
            Files.createDirectories(dest.getParent());
            Path tmp = dest.resolveSibling("." + dest.getFileName() + "." + UUID.randomUUID() + ".part");
            try {
                long n = 0;
                byte[] buf = new byte[1 << 16];
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    for (int r; (r = read(in, buf, key)) > 0; n += r) out.write(buf, 0, r);
                }
                long expected = resp.headers().firstValueAsLong("Content-Length").orElse(n);
                if (n != expected) {
                    throw new CoordinatorException("cannot reach coordinator at " + base + ": download of " + key
                            + " was cut off after " + n + " of " + expected + " bytes", null);
                }
                bytesDownloaded.addAndGet(n);
                Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return true;
        }
    }

    /** Reads from the response body; a broken connection is "cannot reach", unlike a local disk error. */
    private int read(InputStream in, byte[] buf, String key) {
        try {
            return in.read(buf);
        } catch (IOException e) {
            throw unreachable(new IOException("download of " + key + " broke off: " + e.getMessage(), e));
        }
    }

    private byte[] readAll(InputStream in, String key) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** A small blob (manifest, log) in memory, or empty when absent. */
    public Optional<byte[]> readBlob(String key) {
        HttpRequest req = request(blobPath(key), timeout).GET().build();
        HttpResponse<byte[]> resp = exchange(req, HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() == 404) return Optional.empty();
        check(resp);
        bytesDownloaded.addAndGet(resp.body().length);
        return Optional.of(resp.body());
    }

    /** {@code HEAD}: the blob's size, or empty when absent. */
    public Optional<Long> blobSize(String key) {
        HttpRequest req = request(blobPath(key), timeout).method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<byte[]> resp = exchange(req, HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() == 404) return Optional.empty();
        check(resp);
        return Optional.of(resp.headers().firstValueAsLong("Content-Length").orElse(0));
    }

    /** Where a blob can be fetched (for messages and log links). */
    public URI blobUrl(String key) { return URI.create(base + blobPath(key)); }

    // ------------------------------------------------------------------ jobs

    /** Creates a job from an uploaded manifest; 400 names what is wrong (missing manifest or inputs, bad frames). */
    public Job submit(Dto.JobSubmission submission) {
        return call("POST", ApiPaths.JOBS, submission, type(Job.class), timeout);
    }

    /** Every job, newest first, with progress. */
    public List<Dto.JobView> jobs() {
        return call("GET", ApiPaths.JOBS, null, listOf(Dto.JobView.class), timeout);
    }

    /** One job with progress and its tasks. 404 when unknown. */
    public Dto.JobView job(String id) {
        return call("GET", ApiPaths.job(id), null, type(Dto.JobView.class), timeout);
    }

    public Dto.JobView pause(String id) { return action(id, "pause", null); }

    public Dto.JobView resume(String id) { return action(id, "resume", null); }

    /** Cancels every unfinished task; running ones stop at their next heartbeat. */
    public Dto.JobView cancel(String id) { return action(id, "cancel", null); }

    /** Queues the frames again (default: every failed or canceled frame). */
    public Dto.JobView retry(String id, Optional<String> frames) {
        return action(id, "retry", new Dto.RetryRequest(frames));
    }

    public Dto.JobView priority(String id, int priority) {
        return action(id, "priority", new Dto.PriorityRequest(priority));
    }

    /** Accepted frames of the job. */
    public List<OutputFile> outputs(String id) {
        return call("GET", ApiPaths.jobAction(id, "outputs"), null, listOf(OutputFile.class), timeout);
    }

    /** Every attempt of every task (or only of the task rendering {@code frame}), with its log key. */
    public List<Attempt> attempts(String id, OptionalInt frame) {
        String path = ApiPaths.jobAction(id, "attempts") + (frame.isPresent() ? "?frame=" + frame.getAsInt() : "");
        return call("GET", path, null, listOf(Attempt.class), timeout);
    }

    private Dto.JobView action(String id, String action, Object body) {
        return call("POST", ApiPaths.jobAction(id, action), body == null ? java.util.Map.of() : body, type(Dto.JobView.class), timeout);
    }

    // ------------------------------------------------------------------ workers

    public Dto.RegisterResponse register(String worker, Dto.RegisterRequest request) {
        return call("POST", ApiPaths.worker(worker, "register"), request, type(Dto.RegisterResponse.class), timeout);
    }

    /** Every worker the coordinator has heard from, by name. */
    public List<WorkerInfo> workers() {
        return call("GET", ApiPaths.WORKERS, null, listOf(WorkerInfo.class), timeout);
    }

    /** Asks the worker to finish its current task and exit; returns the worker as now recorded. 404 when unknown. */
    public WorkerInfo drain(String worker) {
        return call("POST", ApiPaths.worker(worker, "drain"), java.util.Map.of(), type(WorkerInfo.class), timeout);
    }

    /**
     * Long-polls for a task: returns as soon as one is runnable, or after {@code wait} with none. Interruptible: an
     * interrupt cancels the request and throws InterruptedException; a lease the coordinator was sending just then
     * is lost until it expires. Workers use {@link HttpWorkSource}, which hands such a lease back instead.
     */
    public LeasePoll lease(String worker, Duration wait) throws InterruptedException {
        CompletableFuture<LeasePoll> f = leaseAsync(worker, wait);
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    /**
     * {@link #lease} as a future. Cancelling it does not reliably stop the coordinator from answering with a lease
     * (a closed connection is not always noticed when the small answer is written): whoever abandons a poll must
     * still handle a lease that comes, see {@link HttpWorkSource#stopLeasing()}.
     */
    public CompletableFuture<LeasePoll> leaseAsync(String worker, Duration wait) {
        long ms = Math.max(0, Math.min(wait.toMillis(), ApiPaths.MAX_WAIT_MILLIS));
        HttpRequest req = request(ApiPaths.worker(worker, "lease") + "?waitMs=" + ms, timeout.plusMillis(ms))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        CompletableFuture<HttpResponse<byte[]>> exchange = http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray());
        CompletableFuture<LeasePoll> poll = exchange.handle((resp, ex) -> {
            if (ex != null) throw asCompletion(ex);
            return switch (resp.statusCode()) {
                case 200 -> LeasePoll.of(read(resp.body(), type(Lease.class)));
                case 204 -> LeasePoll.none();
                case 410 -> LeasePoll.drained();
                default -> throw error(resp.statusCode(), resp.body());
            };
        });
        return poll;
    }

    // ------------------------------------------------------------------ tasks (fenced by token)

    /** Renews the lease; returns the new expiry. 409 (as an exception) when the lease is gone. */
    public Instant heartbeat(TaskId task, long token, Optional<String> progress) {
        Dto.HeartbeatResponse r = call("POST", ApiPaths.task(task, "heartbeat"), new Dto.Heartbeat(token, progress),
                type(Dto.HeartbeatResponse.class), timeout);
        return r.expiresAt();
    }

    public void started(TaskId task, long token) {
        call("POST", ApiPaths.task(task, "start"), new Dto.Token(token), null, timeout);
    }

    /** Delivers the outputs (already uploaded under the attempt's keys). 409 when the token is stale. */
    public void complete(TaskId task, long token, List<OutputFile> outputs, AttemptReport report) {
        complete(task, token, outputs, report, Optional.empty());
    }

    /**
     * As {@link #complete(TaskId, long, List, AttemptReport)}; with {@code nextFor} (the worker's name) the answer
     * also brings that worker's next lease when a task is runnable (empty otherwise: then long-poll as usual).
     */
    public Optional<Lease> complete(TaskId task, long token, List<OutputFile> outputs, AttemptReport report,
                                    Optional<String> nextFor) {
        Dto.Completed done = call("POST", ApiPaths.task(task, "complete"), new Dto.Complete(token, outputs, report, nextFor),
                type(Dto.Completed.class), timeout);
        return done == null || done.next() == null ? Optional.empty() : done.next();
    }

    public void fail(TaskId task, long token, AttemptOutcome outcome, AttemptReport report) {
        call("POST", ApiPaths.task(task, "fail"), new Dto.Fail(token, outcome, report), null, timeout);
    }

    public void release(TaskId task, long token, AttemptReport report) {
        call("POST", ApiPaths.task(task, "release"), new Dto.Release(token, report), null, timeout);
    }

    @Override public void close() {
        http.shutdownNow();
    }

    @Override public String toString() { return "coordinator " + base; }

    // ------------------------------------------------------------------ plumbing

    /** The URL path of a blob key: each segment percent-encoded. */
    static String blobPath(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.endsWith("/")) throw new IllegalArgumentException("not a blob key: '" + key + "'");
        List<String> parts = new ArrayList<>();
        for (String s : key.split("/", -1)) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) throw new IllegalArgumentException("not a blob key: '" + key + "'");
            parts.add(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return ApiPaths.BLOBS + "/" + String.join("/", parts);
    }

    private HttpRequest.Builder request(String path, Duration limit) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(limit);
        if (!token.isEmpty()) b.header("Authorization", "Bearer " + token);
        return b;
    }

    private Duration uploadTimeout(long bytes) {
        return timeout.plusSeconds(bytes / UPLOAD_BYTES_PER_SECOND);
    }

    private <T> T call(String method, String path, Object body, JavaType type, Duration limit) {
        HttpRequest.Builder b = request(path, limit).header("Accept", "application/json");
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(write(body)));
        }
        HttpResponse<byte[]> resp = exchange(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        check(resp);
        if (type == null || resp.statusCode() == 204 || resp.body().length == 0) return null;
        return read(resp.body(), type);
    }

    /** Sends and waits for the answer; an interrupt does not cut the wait short (it is kept for the caller). */
    private <T> HttpResponse<T> exchange(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
        CompletableFuture<HttpResponse<T>> f = http.sendAsync(req, handler);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw rethrow(e.getCause());
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    private void check(HttpResponse<byte[]> resp) {
        if (resp.statusCode() >= 400) throw error(resp.statusCode(), resp.body());
    }

    private CoordinatorException error(int status, byte[] body) { return CoordinatorErrors.fromResponse(json, status, body); }

    private RuntimeException rethrow(Throwable cause) { return CoordinatorErrors.rethrow(base, cause, CONNECT_TIMEOUT); }

    private CompletionException asCompletion(Throwable ex) {
        return ex instanceof CompletionException c ? c : new CompletionException(ex);
    }

    private CoordinatorException unreachable(IOException e) { return CoordinatorErrors.unreachable(base, e, CONNECT_TIMEOUT); }

    private byte[] write(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    private <T> T read(byte[] body, JavaType type) {
        try {
            return json.readValue(body, type);
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new CoordinatorException(200, "the coordinator at " + base + " sent an answer this client does not understand ("
                    + why + "); are client and server the same version?");
        }
    }

    private JavaType type(Class<?> c) { return json.getTypeFactory().constructType(c); }

    private JavaType listOf(Class<?> c) { return json.getTypeFactory().constructCollectionType(List.class, c); }
}
