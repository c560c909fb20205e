package dev.sprocket.core.stage;

import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.domain.Dependency;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides where every file of a project goes in the staged layout. The project root is the deepest folder that
 * holds the .blend and every dependency referenced with a relative ({@code //}) path, so relative paths keep
 * working unchanged. Files referenced by absolute path are placed under {@code _external/} (or at their place
 * under the root) and remapped, so a worker on another machine resolves them too.
 */
public final class StagingPlan {
    public static final String EXTERNAL_DIR = "_external";

    private final Path root;
    /** absolute source file → relative staged path */
    private final Map<Path, String> files = new LinkedHashMap<>();
    /** path as written in the .blend → relative staged path */
    private final Map<String, String> remaps = new LinkedHashMap<>();
    private final String mainBlend;

    private StagingPlan(Path root, String mainBlend) {
        this.root = root;
        this.mainBlend = mainBlend;
    }

    /** Plans the layout; missing dependencies are left out (the caller decided they may be). */
    public static StagingPlan of(Path blend, BlendInfo info) {
        Path main = blend.toAbsolutePath().normalize();
        Path root = main.getParent();
        for (Dependency d : info.dependencies()) {
            if (!d.present() || !isRelative(d.path())) continue;
            for (String f : d.files()) root = commonAncestor(root, Path.of(f).toAbsolutePath().normalize());
        }
        StagingPlan plan = new StagingPlan(root, slash(root.relativize(main)));
        plan.files.put(main, plan.mainBlend);
        for (Dependency d : info.dependencies()) {
            if (!d.present()) continue;
            for (String f : d.files()) {
                Path p = Path.of(f).toAbsolutePath().normalize();
                plan.files.putIfAbsent(p, plan.staged(p));
            }
            if (!isRelative(d.path())) {
                plan.remaps.put(d.path(), plan.staged(Path.of(d.absolute()).toAbsolutePath().normalize()));
            }
        }
        return plan;
    }

    static boolean isRelative(String pathAsWritten) {
        return pathAsWritten.startsWith("//");
    }

    private String staged(Path p) {
        if (p.startsWith(root)) return slash(root.relativize(p));
        String abs = slash(p);
        abs = abs.replace(":", ""); // a Windows drive letter, should one come through
        while (abs.startsWith("/")) abs = abs.substring(1);
        return EXTERNAL_DIR + "/" + abs;
    }

    private static Path commonAncestor(Path a, Path b) {
        Path r = a;
        while (r != null && !b.startsWith(r)) r = r.getParent();
        return r == null ? b.getRoot() : r;
    }

    private static String slash(Path p) {
        List<String> parts = new ArrayList<>();
        for (Path part : p) parts.add(part.toString());
        return String.join("/", parts);
    }

    public Path root() { return root; }
    public String mainBlend() { return mainBlend; }
    public Map<Path, String> files() { return files; }
    public Map<String, String> remaps() { return remaps; }
}
