package dev.sprocket.core.stage;

/** One staged file: where it goes, relative to the job root, and its content hash (its blob key). */
public record ManifestEntry(String path, String sha256, long size) {
}
