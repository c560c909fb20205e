package dev.sprocket.api;

import dev.sprocket.core.domain.TaskId;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** URL paths of the v1 API, spelled once for server routes and clients. */
public final class ApiPaths {
    public static final String HEALTH = "/health";
    public static final String BASE = "/api/v1";
    public static final String OPENAPI = BASE + "/openapi.json";
    public static final String BLOBS = BASE + "/blobs";
    public static final String BLOBS_MISSING = BLOBS + "/missing";
    public static final String JOBS = BASE + "/jobs";
    public static final String WORKERS = BASE + "/workers";
    /** Long-poll wait requested by a worker is capped at this many milliseconds. */
    public static final long MAX_WAIT_MILLIS = 60_000;

    private ApiPaths() {}

    public static String blob(String key) { return BLOBS + "/" + key; }
    public static String job(String id) { return JOBS + "/" + enc(id); }
    public static String jobAction(String id, String action) { return job(id) + "/" + action; }
    public static String task(TaskId t, String action) { return job(t.jobId()) + "/tasks/" + t.index() + "/" + action; }
    public static String worker(String name, String action) { return WORKERS + "/" + enc(name) + "/" + action; }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"); }
}
