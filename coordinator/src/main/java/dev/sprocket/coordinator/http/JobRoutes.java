package dev.sprocket.coordinator.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sprocket.api.ApiPaths;
import dev.sprocket.api.Dto;
import dev.sprocket.core.dispatch.Dispatcher;
import dev.sprocket.core.domain.Attempt;
import dev.sprocket.core.domain.FrameSpec;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.Task;
import dev.sprocket.core.port.JobStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Submitting, viewing and steering jobs. See docs/api.md, "Jobs". */
public final class JobRoutes {
    static final String JOB = ApiPaths.JOBS + "/{id}";

    private final Services s;
    private final JobSubmitter submitter;

    public JobRoutes(Services services) {
        this.s = services;
        this.submitter = new JobSubmitter(services.dispatcher(), services.blobs(), services.clock());
    }

    public void register(RoutesConfig routes) {
        routes.post(ApiPaths.JOBS, ctx -> Json.write(ctx, 201, submitter.submit(Json.read(ctx, Dto.JobSubmission.class))));
        routes.get(ApiPaths.JOBS, ctx -> Json.ok(ctx, s.store().jobs().stream().map(j -> view(j, false)).toList()));
        routes.get(JOB, ctx -> Json.ok(ctx, view(job(ctx), true)));
        routes.post(JOB + "/pause", ctx -> Json.ok(ctx, view(d().pause(id(ctx)), false)));
        routes.post(JOB + "/resume", ctx -> Json.ok(ctx, view(d().resume(id(ctx)), false)));
        routes.post(JOB + "/cancel", ctx -> Json.ok(ctx, view(d().cancel(id(ctx)), false)));
        routes.post(JOB + "/retry", this::retry);
        routes.post(JOB + "/priority", this::priority);
        routes.get(JOB + "/outputs", ctx -> Json.ok(ctx, s.store().outputs(job(ctx).id())));
        routes.get(JOB + "/attempts", this::attempts);
    }

    private void retry(Context ctx) {
        Dto.RetryRequest request = Json.readOrDefault(ctx, Dto.RetryRequest.class, new Dto.RetryRequest(Optional.empty()));
        Optional<FrameSpec> frames = request.frames() == null ? Optional.empty() : request.frames().map(FrameSpec::parse);
        Json.ok(ctx, view(d().retry(id(ctx), frames), false));
    }

    private void priority(Context ctx) {
        JsonNode body = Json.tree(ctx);
        if (!body.path("priority").canConvertToInt()) {
            throw new IllegalArgumentException("field 'priority' must be a whole number, e.g. {\"priority\": 10}");
        }
        Json.ok(ctx, view(d().setPriority(id(ctx), body.get("priority").intValue()), false));
    }

    private void attempts(Context ctx) {
        Job job = job(ctx);
        Optional<Integer> frame = Optional.ofNullable(ctx.queryParam("frame")).map(JobRoutes::frame);
        List<Attempt> out = new ArrayList<>();
        for (Task t : s.store().tasks(job.id())) {
            if (frame.isPresent() && !t.frames().contains(frame.get())) continue;
            out.addAll(s.store().attempts(t.id()));
        }
        Json.ok(ctx, out);
    }

    private static int frame(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("query parameter frame='" + text + "' is not a whole number");
        }
    }

    private Dto.JobView view(Job job, boolean withTasks) {
        JobStore store = s.store();
        return new Dto.JobView(job, store.progress(job.id()), withTasks ? Optional.of(store.tasks(job.id())) : Optional.empty());
    }

    private Dispatcher d() { return s.dispatcher(); }

    private Job job(Context ctx) { return d().job(id(ctx)); }

    private static String id(Context ctx) { return ctx.pathParam("id"); }
}
