package dev.sprocket.cli;

import dev.sprocket.blender.Blender;
import dev.sprocket.blender.BlenderInspector;
import dev.sprocket.blender.BlenderSettings;
import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.port.BlendFileException;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finding Blender and reading files: shared by the commands. */
final class Farm {
    private Farm() {}

    static Blender blender() {
        try {
            return Blender.locate();
        } catch (RuntimeException e) {
            throw new UserError(e.getMessage());
        }
    }

    static BlendInfo inspect(Path file, boolean verbose) throws BlendFileException {
        if (!Files.exists(file)) throw new UserError(file + " does not exist");
        if (Files.isDirectory(file)) throw new UserError(file + " is a folder; give the .blend file inside it");
        return new BlenderInspector(blender(), BlenderSettings.defaults()).inspect(file.toAbsolutePath());
    }
}
