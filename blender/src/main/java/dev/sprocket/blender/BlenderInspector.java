package dev.sprocket.blender;

import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.port.BlendFileException;
import dev.sprocket.core.port.Inspector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Inspects a .blend with one Blender launch ({@code blender -b -Y FILE --python inspect_blend.py}): scenes, render
 * settings and every external file, with the rules for "missing" described in {@code sprocket_paths.py}.
 * The file's own Python never runs during inspection, whatever the job later allows.
 */
public final class BlenderInspector implements Inspector {
    private static final Logger log = LoggerFactory.getLogger(BlenderInspector.class);
    static final String MARKER = "@@SPROCKET@@ ";

    private final Blender blender;
    private final BlenderSettings settings;

    /** Blender from {@code SPROCKET_BLENDER} or the PATH, default settings. */
    public BlenderInspector() {
        this(Blender.locate(), BlenderSettings.defaults());
    }

    public BlenderInspector(Blender blender, BlenderSettings settings) {
        this.blender = blender;
        this.settings = settings;
    }

    @Override
    public BlendInfo inspect(Path blend) throws BlendFileException {
        Path file = blend.toAbsolutePath().normalize();
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        BlendCompression compression = checkFile(file, name);

        List<String> cmd = blender.command(false);
        cmd.addAll(List.of(file.toString(), "--python", BlenderScripts.inspect().toString()));
        List<String> output = run(cmd, file, name);

        for (String line : output) {
            if (line.startsWith(MARKER)) {
                try {
                    return InspectionReport.parse(line.substring(MARKER.length()), compression.label());
                } catch (IOException e) {
                    throw new BlendFileException("could not inspect " + name + ": Sprocket's inspection script printed "
                            + "an unreadable report (" + e.getMessage() + ")", e);
                }
            }
        }
        throw new BlendFileException(failure(name, output));
    }

    /** Refuses what is clearly not a .blend before paying for a Blender launch. */
    private static BlendCompression checkFile(Path file, String name) throws BlendFileException {
        if (!Files.exists(file)) throw new BlendFileException(name + " does not exist (" + file + "): check the path");
        if (Files.isDirectory(file)) throw new BlendFileException(name + " is a directory, not a .blend file (" + file + ")");
        if (!Files.isReadable(file)) throw new BlendFileException(name + " is not readable (" + file + "): check its permissions");
        Optional<BlendCompression> compression;
        try {
            compression = BlendCompression.detect(file);
        } catch (IOException e) {
            throw new BlendFileException("cannot read " + name + " (" + e.getMessage() + ")", e);
        }
        return compression.orElseThrow(() -> new BlendFileException(name + " is not a .blend file (it starts neither with "
                + "\"BLENDER\" nor with gzip or zstd compression): check the path, or re-save it from Blender"));
    }

    private List<String> run(List<String> cmd, Path file, String name) throws BlendFileException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(file.getParent().toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new BlenderUnavailableException("cannot start " + blender.executable() + " (" + e.getMessage() + "): "
                    + Blender.NOT_FOUND, e);
        }
        ProcessReaper.register(p);
        try {
            p.getOutputStream().close();
            OutputPump pump = new OutputPump(p.getInputStream(), "blender-inspect");
            List<String> lines = new ArrayList<>();
            long deadline = System.nanoTime() + settings.inspectTimeout().toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left <= 0 ? OutputPump.TIMEOUT : pump.next(Duration.ofNanos(left));
                if (line == OutputPump.EOF) break;
                if (line == OutputPump.TIMEOUT) {
                    ProcessReaper.killTree(p);
                    throw new BlendFileException("inspecting " + name + " took longer than "
                            + settings.inspectTimeout().toSeconds() + " s, so Blender was stopped: the file may be "
                            + "huge or Blender hung (raise the inspect timeout to wait longer)");
                }
                lines.add(line);
            }
            p.waitFor();
            log.debug("inspected {} (exit {}): {} lines of Blender output", file, p.exitValue(), lines.size());
            return lines;
        } catch (IOException e) {
            throw new BlendFileException("could not inspect " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BlendFileException("inspection of " + name + " was interrupted", e);
        } finally {
            ProcessReaper.killTreeAndWait(p);
        }
    }

    /** One line naming the file and what Blender said, e.g. for a truncated or corrupt file. */
    static String failure(String name, List<String> output) {
        for (String line : output) {
            String l = line.strip();
            if (l.startsWith("Error: Failed to read blend file") || l.startsWith("Error: Cannot read file")) {
                String detail = l.substring("Error: ".length()).replaceFirst(" '[^']*'", "");
                return name + " is not a readable .blend file (Blender: " + detail
                        + "): re-save it from Blender or check the copy";
            }
        }
        String last = output.stream().map(String::strip).filter(l -> l.startsWith("Error") || l.contains("Traceback"))
                .findFirst().orElse(output.isEmpty() ? "no output" : output.get(output.size() - 1).strip());
        return "could not inspect " + name + ": Blender gave no report (" + last + ")";
    }
}
