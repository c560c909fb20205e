package dev.sprocket.core.port;

import dev.sprocket.core.domain.BlendInfo;

import java.nio.file.Path;

/** Reads a .blend and reports its scenes and external dependencies, without rendering. */
public interface Inspector {
    /** @throws BlendFileException when the file is missing, not a .blend, or corrupt */
    BlendInfo inspect(Path blend) throws BlendFileException;
}
