package dev.sprocket.core.domain;

/** One file a task produced, stored in the blob store under {@code key}. */
public record OutputFile(int frame, String name, String key, String sha256, long size) {
}
