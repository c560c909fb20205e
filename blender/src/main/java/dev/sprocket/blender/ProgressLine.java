package dev.sprocket.blender;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Blender's render status lines, e.g.
 * <pre>
 * Fra:12 Mem:10.35M (Peak 10.94M) | Time:00:00.06 | Remaining:00:00.01 | Mem:0.97M, Peak:0.97M | Scene, ViewLayer | Sample 40/128
 * Fra:3 Mem:11.28M (Peak 12.31M) | Time:00:02.17 | Rendering 1 / 8 samples                      (EEVEE)
 * </pre>
 */
final class ProgressLine {
    private static final Pattern FRAME = Pattern.compile("^Fra:(-?\\d+) ");
    private static final Pattern CYCLES_SAMPLE = Pattern.compile("\\| Sample (\\d+)/(\\d+)\\s*$");
    private static final Pattern EEVEE_SAMPLE = Pattern.compile("\\| Rendering (\\d+) / (\\d+) samples\\s*$");
    private static final List<Pattern> SAMPLES = List.of(CYCLES_SAMPLE, EEVEE_SAMPLE);
    /** Blender's own (guarded allocator) peak. */
    private static final Pattern BLENDER_PEAK = Pattern.compile("\\(Peak ([\\d.]+)([KMG])\\)");
    /** The render engine's peak (Cycles keeps its memory outside Blender's allocator). */
    private static final Pattern ENGINE_PEAK = Pattern.compile("Peak:([\\d.]+)([KMG])");

    private ProgressLine() {}

    /** The frame a status line is about, if it is one. */
    static Optional<Integer> frame(String line) {
        Matcher m = FRAME.matcher(line);
        return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    /** Short text for a listener: "frame 12, sample 40/128", or the stage ("frame 3, Syncing Monkey"). */
    static Optional<String> describe(String line) {
        Optional<Integer> frame = frame(line);
        if (frame.isEmpty()) return Optional.empty();
        for (Pattern sample : SAMPLES) {
            Matcher m = sample.matcher(line);
            if (m.find()) return Optional.of("frame " + frame.get() + ", sample " + m.group(1) + "/" + m.group(2));
        }
        String stage = stage(line);
        return stage.isEmpty() ? Optional.empty() : Optional.of("frame " + frame.get() + ", " + stage);
    }

    /** What Blender is doing: the status segments without frame, time, memory and (Cycles) scene/layer names. */
    private static String stage(String line) {
        List<String> parts = new java.util.ArrayList<>(List.of(line.split(" \\| ")));
        boolean cyclesStats = parts.removeIf(p -> p.startsWith("Mem:") && p.contains(", Peak:"));
        parts.removeIf(p -> p.startsWith("Fra:") || p.startsWith("Time:") || p.startsWith("Remaining:"));
        if (cyclesStats && !parts.isEmpty()) parts.remove(0); // "Scene, ViewLayer"
        return String.join(" | ", parts).strip();
    }

    /** Peak memory in bytes this line reports: Blender's peak plus the engine's, when printed. */
    static OptionalLong peakBytes(String line) {
        if (frame(line).isEmpty()) return OptionalLong.empty();
        Matcher b = BLENDER_PEAK.matcher(line);
        if (!b.find()) return OptionalLong.empty();
        long total = bytes(b.group(1), b.group(2));
        Matcher e = ENGINE_PEAK.matcher(line);
        if (e.find()) total += bytes(e.group(1), e.group(2));
        return OptionalLong.of(total);
    }

    private static long bytes(String number, String unit) {
        double n = Double.parseDouble(number);
        return (long) (n * switch (unit) {
            case "K" -> 1024.0;
            case "M" -> 1024.0 * 1024;
            default -> 1024.0 * 1024 * 1024;
        });
    }
}
