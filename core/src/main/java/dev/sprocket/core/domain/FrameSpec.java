package dev.sprocket.core.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A validated list of frames, parsed from text such as {@code 1-240}, {@code 1-240x2}, {@code 2,3,5,7},
 * {@code 10-1} or a mix of them separated by commas. Order is kept (it is the dispatch order).
 */
public final class FrameSpec {
    /** Blender's own limit on frame numbers (MAXFRAME). */
    public static final int MAX_FRAME = 1_048_574;
    /** More frames than this in one job is almost surely a typo. */
    public static final int MAX_FRAMES = 100_000;

    private final String text;
    private final List<Integer> frames;

    private FrameSpec(String text, List<Integer> frames) {
        this.text = text;
        this.frames = Collections.unmodifiableList(frames);
    }

    public static FrameSpec range(int start, int end, int step) {
        return parse(start == end ? Integer.toString(start) : start + "-" + end + (step == 1 ? "" : "x" + step));
    }

    public static FrameSpec of(List<Integer> frames) {
        StringBuilder sb = new StringBuilder();
        for (int f : frames) {
            if (!sb.isEmpty()) sb.append(',');
            sb.append(f);
        }
        return parse(sb.toString());
    }

    /** Parsed specs by text: jobs are read on every lease and completion, and parsing is O(frames). */
    private static final int CACHE_SIZE = 256;
    private static final java.util.Map<String, FrameSpec> CACHE = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(CACHE_SIZE, 0.75f, true) {
                @Override protected boolean removeEldestEntry(java.util.Map.Entry<String, FrameSpec> e) { return size() > CACHE_SIZE; }
            });

    /** @throws InvalidFrameSpecException with a message that names the offending part */
    public static FrameSpec parse(String text) {
        if (text != null) {
            FrameSpec cached = CACHE.get(text);
            if (cached != null) return cached;
        }
        FrameSpec spec = parseUncached(text);
        CACHE.put(text, spec);
        return spec;
    }

    private static FrameSpec parseUncached(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidFrameSpecException("frame spec is empty; write e.g. 1-240, 1-240x2 or 2,3,5");
        }
        String trimmed = text.strip();
        List<Integer> frames = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (String rawPart : trimmed.split(",", -1)) {
            String part = rawPart.strip();
            if (part.isEmpty()) {
                throw new InvalidFrameSpecException("frame spec '" + trimmed + "' has an empty part between commas");
            }
            for (int f : expand(part)) {
                if (!seen.add(f)) {
                    throw new InvalidFrameSpecException("frame " + f + " appears more than once in '" + trimmed + "'");
                }
                frames.add(f);
                if (frames.size() > MAX_FRAMES) {
                    throw new InvalidFrameSpecException("frame spec '" + trimmed + "' has more than " + MAX_FRAMES + " frames");
                }
            }
        }
        return new FrameSpec(trimmed, frames);
    }

    private static List<Integer> expand(String part) {
        String body = part;
        int step = 1;
        int x = part.indexOf('x');
        if (x >= 0) {
            body = part.substring(0, x).strip();
            step = number(part.substring(x + 1).strip(), part, "step");
            if (step < 1) {
                throw new InvalidFrameSpecException("step in '" + part + "' must be at least 1");
            }
        }
        int dash = body.indexOf('-', 1); // a leading '-' would be a sign, which we reject below
        if (dash < 0) {
            if (x >= 0) throw new InvalidFrameSpecException("'" + part + "' has a step but no range; write e.g. 1-240x2");
            return List.of(frame(body, part));
        }
        int start = frame(body.substring(0, dash).strip(), part);
        int end = frame(body.substring(dash + 1).strip(), part);
        long count = (Math.abs((long) end - start)) / step + 1;
        if (count > MAX_FRAMES) {
            throw new InvalidFrameSpecException("'" + part + "' has " + count + " frames; at most " + MAX_FRAMES + " per job");
        }
        List<Integer> out = new ArrayList<>((int) count);
        if (start <= end) {
            for (int f = start; f <= end; f += step) out.add(f);
        } else {
            for (int f = start; f >= end; f -= step) out.add(f);
        }
        return out;
    }

    private static int frame(String s, String part) {
        int f = number(s, part, "frame");
        if (f < 0 || f > MAX_FRAME) {
            throw new InvalidFrameSpecException("frame " + s + " in '" + part + "' is outside 0-" + MAX_FRAME);
        }
        return f;
    }

    private static int number(String s, String part, String what) {
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit)) {
            throw new InvalidFrameSpecException("'" + part + "' is not a valid frame spec: " + what + " '" + s
                    + "' is not a whole number (write e.g. 1-240, 1-240x2, 2,3,5 or 10-1)");
        }
        if (s.length() > 9) {
            throw new InvalidFrameSpecException(what + " " + s + " in '" + part + "' is outside 0-" + MAX_FRAME);
        }
        return Integer.parseInt(s);
    }

    public List<Integer> frames() { return frames; }
    public int size() { return frames.size(); }
    public String text() { return text; }

    /** Splits the frames, in order, into chunks of at most {@code chunk} frames. */
    public List<List<Integer>> chunks(int chunk) {
        if (chunk < 1) throw new IllegalArgumentException("chunk must be at least 1, got " + chunk);
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < frames.size(); i += chunk) {
            out.add(List.copyOf(frames.subList(i, Math.min(frames.size(), i + chunk))));
        }
        return out;
    }

    @Override public String toString() { return text; }
    @Override public boolean equals(Object o) { return o instanceof FrameSpec f && f.frames.equals(frames); }
    @Override public int hashCode() { return frames.hashCode(); }
}
