package dev.sprocket.coordinator.http;

import dev.sprocket.api.ApiPaths;
import dev.sprocket.api.Dto;
import dev.sprocket.core.dispatch.Dispatcher;
import dev.sprocket.core.domain.Lease;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Registration, the lease long-poll, and draining. See docs/api.md, "Workers".
 * <p>The long-poll blocks its request thread inside {@link Dispatcher#lease}: requests run on virtual threads, so a
 * thousand waiting workers cost a thousand parked virtual threads (a few KB each), not a thousand OS threads.
 */
public final class WorkerRoutes {
    private static final Logger log = LoggerFactory.getLogger(WorkerRoutes.class);
    static final String WORKER = ApiPaths.WORKERS + "/{name}";
    /** Host names, with room for a suffix such as "-3" or "@gpu0"; nothing that needs quoting in logs or URLs. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}");

    private final Services s;

    public WorkerRoutes(Services services) { this.s = services; }

    public void register(RoutesConfig routes) {
        routes.post(WORKER + "/register", this::register);
        routes.post(WORKER + "/lease", this::lease);
        routes.get(ApiPaths.WORKERS, ctx -> Json.ok(ctx, s.store().workers()));
        routes.post(WORKER + "/drain", ctx -> {
            String name = name(ctx);
            d().drain(name);
            Json.ok(ctx, s.store().worker(name).orElseThrow());
        });
    }

    private void register(Context ctx) {
        String name = name(ctx);
        Dto.RegisterRequest info = Json.readOrDefault(ctx, Dto.RegisterRequest.class,
                new Dto.RegisterRequest(Optional.empty(), 0, Optional.empty()));
        d().touch(name);
        // Registering is a fresh start: a worker that was drained and has exited may come back under its name.
        d().undrain(name);
        log.info("Worker {} registered (host {}, {} cores, Blender {})", name, info.host().orElse("?"), info.cores(),
                info.blenderVersion().orElse("?"));
        var settings = d().settings();
        Json.ok(ctx, new Dto.RegisterResponse(name, settings.heartbeatEvery().toMillis(), settings.leaseTtl().toMillis()));
    }

    private void lease(Context ctx) throws IOException {
        String name = name(ctx);
        Duration wait = waitOf(ctx);
        Optional<Lease> lease;
        try {
            lease = d().lease(name, wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HttpError.unavailable("coordinator is shutting down; retry shortly");
        }
        if (lease.isEmpty()) {
            // The dispatcher hands a draining worker nothing; only an empty answer needs telling apart.
            if (d().draining(name)) throw drained(name);
            ctx.status(204);
            return;
        }
        LeaseDelivery.send(ctx, d(), lease.get(), lease.get());
    }

    private Duration waitOf(Context ctx) {
        String text = ctx.queryParam("waitMs");
        if (text == null || text.isBlank()) return Duration.ZERO;
        long ms;
        try {
            ms = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("waitMs='" + text + "' is not a whole number of milliseconds");
        }
        if (ms < 0) throw new IllegalArgumentException("waitMs must not be negative, got " + ms);
        return Duration.ofMillis(Math.min(ms, s.maxLeaseWait().toMillis()));
    }

    static String name(Context ctx) {
        return checkName(ctx.pathParam("name"));
    }

    /** @throws IllegalArgumentException (400) when {@code name} is not a valid worker name */
    static String checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("worker name '" + name + "' is not valid: 1-128 letters, digits and . _ @ : -,"
                    + " starting with a letter or digit");
        }
        return name;
    }

    private static HttpError drained(String name) {
        return HttpError.gone("worker " + name + " is draining: finish the current task and exit");
    }

    private Dispatcher d() { return s.dispatcher(); }
}
