package dev.sprocket.core.domain;

import java.util.List;
import java.util.Optional;

/**
 * Everything inspection learned about a .blend file.
 *
 * @param savedWith       Blender version that saved the file, e.g. "2.79.3"
 * @param inspectedWith   Blender version that read it here
 * @param compression     "none", "gzip" or "zstd"
 * @param activeScene     the scene Blender renders by default
 * @param denoiserAvailable whether this Blender was built with OpenImageDenoise
 */
public record BlendInfo(
        String file,
        String savedWith,
        String inspectedWith,
        String compression,
        String activeScene,
        List<SceneInfo> scenes,
        List<Dependency> dependencies,
        boolean denoiserAvailable) {

    public SceneInfo scene(String name) {
        return scenes.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no scene named '" + name + "' in " + file + "; it has "
                        + scenes.stream().map(SceneInfo::name).toList()));
    }

    public SceneInfo active() { return scene(activeScene); }

    public List<Dependency> missing() {
        return dependencies.stream().filter(d -> !d.present()).toList();
    }

    public Optional<Dependency> dependency(String path) {
        return dependencies.stream().filter(d -> d.path().equals(path)).findFirst();
    }
}
