package dev.sprocket.coordinator.http;

import dev.sprocket.api.ApiPaths;
import dev.sprocket.api.Dto;
import dev.sprocket.core.dispatch.ConflictException;
import dev.sprocket.core.dispatch.NotFoundException;
import dev.sprocket.core.port.BlobKeys;
import dev.sprocket.core.port.BlobStore;
import dev.sprocket.store.DirectoryBlobStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Inputs (content-addressed), manifests, and what attempts produce. See docs/api.md, "Blobs". */
public final class BlobRoutes {
    static final String KEY = "key";
    static final String PATH = ApiPaths.BLOBS + "/<" + KEY + ">";
    private static final String OCTETS = "application/octet-stream";

    private final Services s;

    public BlobRoutes(Services services) { this.s = services; }

    public void register(RoutesConfig routes) {
        routes.post(ApiPaths.BLOBS_MISSING, this::missing);
        routes.put(PATH, this::put);
        routes.get(PATH, this::get);
        routes.head(PATH, this::head);
    }

    private void missing(Context ctx) throws IOException {
        Dto.MissingRequest request = Json.read(ctx, Dto.MissingRequest.class);
        if (request.sha256() == null) throw new IllegalArgumentException("missing field 'sha256' (a list of hex sha256 values)");
        List<String> missing = new ArrayList<>();
        for (String sha : request.sha256()) {
            if (sha == null || !s.blobs().exists(BlobKeys.input(sha))) missing.add(sha);
        }
        Json.ok(ctx, new Dto.MissingResponse(missing));
    }

    private void put(Context ctx) throws IOException {
        BlobKey key = BlobKey.parse(ctx.pathParam(KEY));
        switch (key) {
            case BlobKey.Input input -> putInput(ctx, input);
            case BlobKey.Manifest manifest -> {
                // A job renders what its manifest said at submission; changing it later would mix two projects.
                if (s.store().job(manifest.jobId()).isPresent()) {
                    throw new ConflictException("job " + manifest.jobId() + " exists; its manifest cannot change."
                            + " Upload a new manifest as an input (inputs/<ab>/<sha256>) and submit a new job");
                }
                receiveAndStore(ctx, key);
            }
            case BlobKey.AttemptFile file -> {
                // Checked before reading the body, so a stale worker does not send gigabytes for nothing. A lease
                // lost during the upload is caught at completion, which deletes the files.
                Leases.requireCurrent(s.store(), file.task(), file.token());
                receiveAndStore(ctx, key);
                s.attemptFiles().uploaded(file.task(), file.token(), key.key());
            }
        }
    }

    private void putInput(Context ctx, BlobKey.Input input) throws IOException {
        try (Uploads.Received body = s.uploads().receive(ctx.bodyInputStream())) {
            if (!body.sha256().equals(input.sha256())) {
                throw new IllegalArgumentException("upload to " + input.key() + " has sha256 " + body.sha256()
                        + " (" + body.size() + " bytes): content does not match its key; was the file changed while uploading?");
            }
            // Same name, same bytes: an input that is already there needs no second write.
            if (!s.blobs().exists(input.key())) s.uploads().store(input.key(), body);
        }
        ctx.status(200);
    }

    private void receiveAndStore(Context ctx, BlobKey key) throws IOException {
        try (Uploads.Received body = s.uploads().receive(ctx.bodyInputStream())) {
            s.uploads().store(key.key(), body);
        }
        ctx.status(200);
    }

    private void get(Context ctx) throws IOException {
        BlobKey key = BlobKey.parse(ctx.pathParam(KEY));
        long size = s.blobs().size(key.key()).orElseThrow(() -> notFound(key));
        ctx.header("Content-Length", Long.toString(size)).contentType(OCTETS).result(open(s.blobs(), key.key()));
    }

    private void head(Context ctx) throws IOException {
        BlobKey key = BlobKey.parse(ctx.pathParam(KEY));
        long size = s.blobs().size(key.key()).orElseThrow(() -> notFound(key));
        ctx.header("Content-Length", Long.toString(size)).contentType(OCTETS).status(200);
    }

    /** A stream of the blob: the file itself for a local store, else a temp copy removed when the stream closes. */
    private InputStream open(BlobStore blobs, String key) throws IOException {
        if (blobs instanceof DirectoryBlobStore dir) return Files.newInputStream(dir.path(key));
        Path temp = Files.createTempFile("sprocket-blob-", ".tmp");
        blobs.get(key, temp);
        return new FilterInputStream(Files.newInputStream(temp)) {
            @Override public void close() throws IOException {
                try { super.close(); } finally { Files.deleteIfExists(temp); }
            }
        };
    }

    private static NotFoundException notFound(BlobKey key) {
        return new NotFoundException("no blob '" + key.key() + "'");
    }
}
