package dev.sprocket.coordinator.http;

import dev.sprocket.api.Dto;
import dev.sprocket.core.dispatch.Dispatcher;
import dev.sprocket.core.domain.FrameSpec;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.port.BlobKeys;
import dev.sprocket.core.port.BlobStore;
import dev.sprocket.core.stage.Manifest;
import dev.sprocket.core.stage.ManifestEntry;
import dev.sprocket.core.submit.JobRequest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a {@link Dto.JobSubmission} against what was uploaded and creates the job. Everything is checked before
 * anything is written, so a refused submission changes nothing.
 */
final class JobSubmitter {
    /** Missing inputs named in one error line; the count says how many more. */
    static final int MISSING_LISTED = 10;
    static final int MAX_NAME_LENGTH = 200;
    /** Job ids read like the local `render` command's: creation time (UTC), then a random suffix. */
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    /** Tries before giving up on a free id; two collisions in a row mean the random source is broken. */
    private static final int ID_ATTEMPTS = 3;

    private final Dispatcher dispatcher;
    private final BlobStore blobs;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    JobSubmitter(Dispatcher dispatcher, BlobStore blobs, Clock clock) {
        this.dispatcher = dispatcher;
        this.blobs = blobs;
        this.clock = clock;
    }

    Job submit(Dto.JobSubmission in) throws IOException {
        String name = in.name() == null ? "" : in.name().strip();
        if (name.isEmpty()) throw new IllegalArgumentException("field 'name' is required (e.g. the .blend's file name)");
        if (name.length() > MAX_NAME_LENGTH) throw new IllegalArgumentException("name is longer than " + MAX_NAME_LENGTH + " characters");
        if (in.frames() == null) throw new IllegalArgumentException("field 'frames' is required, e.g. \"1-240\"");
        FrameSpec frames = FrameSpec.parse(in.frames());
        int chunk = in.chunk() == 0 ? 1 : in.chunk();
        if (chunk < 1 || chunk > JobRequest.MAX_CHUNK) {
            throw new IllegalArgumentException("chunk must be 1-" + JobRequest.MAX_CHUNK + ", got " + in.chunk());
        }
        RenderSettings settings = in.settings() == null ? RenderSettings.defaults(OutputFormat.PNG) : withFormat(in.settings());
        String manifestKey = checkManifest(in.manifestKey());

        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS); // the store keeps milliseconds: say what it will return
        for (int attempt = 1; ; attempt++) {
            Job job = new Job(newId(now), name, manifestKey, in.scene() == null ? "" : in.scene(), frames, chunk, settings,
                    in.priority(), JobState.ACTIVE, now);
            if (dispatcher.store().job(job.id()).isPresent()) {
                if (attempt < ID_ATTEMPTS) continue;
                throw new IllegalStateException("no free job id after " + ID_ATTEMPTS + " tries");
            }
            dispatcher.submit(job);
            return job;
        }
    }

    private static RenderSettings withFormat(RenderSettings s) {
        if (s.outputFormat() != null) return s;
        return new RenderSettings(s.samples(), s.resolutionPercent(), s.engine(), OutputFormat.PNG, s.motionBlur(),
                s.disableDenoising(), s.allowPython());
    }

    /** The manifest must be uploaded, readable, and every file it lists already present. */
    private String checkManifest(String key) throws IOException {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("field 'manifestKey' is required: upload the manifest first (PUT /api/v1/blobs/<key>)");
        }
        BlobKey parsed = BlobKey.parse(key);
        if (parsed instanceof BlobKey.AttemptFile) throw new IllegalArgumentException("manifestKey " + key + " is a task output, not a manifest");
        byte[] text = blobs.readBytes(key).orElseThrow(() -> new IllegalArgumentException(
                "manifest " + key + " is not uploaded; PUT it to /api/v1/blobs/" + key + " first"));
        Manifest manifest;
        try {
            manifest = Manifest.decode(new String(text, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("manifest " + key + " is not readable: " + e.getMessage(), e);
        }
        List<String> missing = new ArrayList<>();
        int count = 0;
        for (ManifestEntry e : manifest.entries()) {
            if (blobs.exists(BlobKeys.input(e.sha256()))) continue;
            if (++count <= MISSING_LISTED) missing.add(e.path() + " (" + e.sha256() + ")");
        }
        if (count > 0) {
            throw new IllegalArgumentException(count + " input(s) of manifest " + key + " are not uploaded: "
                    + String.join(", ", missing) + (count > MISSING_LISTED ? ", and " + (count - MISSING_LISTED) + " more" : "")
                    + "; ask POST /api/v1/blobs/missing which, upload them, then submit again");
        }
        return key;
    }

    private String newId(Instant now) {
        return ID_TIME.format(now) + "-" + Integer.toString(0x10000 + random.nextInt(0xeffff), 36);
    }
}
