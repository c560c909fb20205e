package dev.sprocket.core.port;

import java.util.Optional;

/** @param doing e.g. "frame 12, sample 40/128", empty when idle */
public record WorkerStatus(String name, Optional<String> doing) {
}
