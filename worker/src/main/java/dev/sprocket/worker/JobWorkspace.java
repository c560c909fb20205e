package dev.sprocket.worker;

import dev.sprocket.core.stage.Manifest;
import dev.sprocket.core.stage.ManifestEntry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A job's inputs laid out in the worker's own directory, exactly as the manifest says. Blender renders from here
 * and never from the user's project folder. Files are copies, not links, so nothing Blender writes (caches) can
 * reach the shared cache.
 */
record JobWorkspace(Path root, Path blend, Map<String, String> remaps) {

    static JobWorkspace materialise(Manifest manifest, Path root, InputCache cache) throws IOException {
        Files.createDirectories(root);
        for (ManifestEntry e : manifest.entries()) {
            Path target = root.resolve(e.path()).normalize();
            if (!target.startsWith(root)) throw new IOException("manifest path escapes the job directory: " + e.path());
            if (Files.isRegularFile(target) && Files.size(target) == e.size()) continue;
            Path cached = cache.fetch(e.sha256(), e.size());
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling(".part-" + target.getFileName());
            Files.copy(cached, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        Map<String, String> remaps = new LinkedHashMap<>();
        manifest.remaps().forEach((from, to) -> remaps.put(from, root.resolve(to).toAbsolutePath().toString()));
        return new JobWorkspace(root, root.resolve(manifest.mainBlend()), remaps);
    }
}
