package dev.sprocket.cli;

import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.domain.Dependency;
import dev.sprocket.core.domain.SceneInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {
                "Reads a .blend with Blender and reports its scenes and every external file it needs.",
                "",
                "Shows the Blender version that saved it, each scene's frame range, fps, resolution, engine,",
                "samples, denoising, camera, motion blur and output format, and every dependency (images,",
                "UDIM tiles, sequences, linked libraries, caches, fonts, sounds, volumes, multires data)",
                "marked present or MISSING. Reads gzip- and zstd-compressed files.",
                "Exit code 0 when the file could be read, 1 when it is corrupt or not a .blend."},
        footer = {"", "Examples:", "  sprocket inspect shot.blend", "  sprocket inspect shot.blend --json | jq .dependencies"})
final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The .blend file to inspect.")
    Path file;

    @Option(names = "--json", description = "Print the full report as JSON.")
    boolean json;

    @Mixin CommonOptions common;

    @Override public Integer call() throws Exception {
        BlendInfo info = Farm.inspect(file, common.verbose);
        PrintStream out = System.out;
        if (json) {
            out.println(Json.write(info));
            return 0;
        }
        out.println(file.getFileName() + "  (saved with Blender " + info.savedWith()
                + (info.compression().equals("none") ? "" : ", " + info.compression() + "-compressed")
                + "; read with " + info.inspectedWith() + ")");
        for (SceneInfo s : info.scenes()) {
            out.println("scene '" + s.name() + "'" + (s.name().equals(info.activeScene()) ? " (active)" : ""));
            for (String line : s.describe()) out.println("  " + line);
        }
        int missing = info.missing().size();
        out.println("dependencies: " + info.dependencies().size() + (missing > 0 ? " (" + missing + " MISSING)" : ""));
        for (Dependency d : info.dependencies()) {
            String where = d.path().equals(d.absolute()) ? "" : "  -> " + d.absolute();
            String count = d.files().size() > 1 ? "  [" + d.files().size() + " files]" : "";
            out.printf("  %-8s %-9s %s%s%s%n", d.present() ? "present" : "MISSING", d.kind(), d.path(), count, where);
        }
        if (!info.denoiserAvailable()) {
            out.println("note: this Blender has no OpenImageDenoise; scenes with Cycles denoising need --no-denoise");
        }
        return 0;
    }
}
