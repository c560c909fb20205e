package dev.sprocket.store;

import dev.sprocket.core.domain.FrameSpec;

import java.util.List;

/**
 * A task's frames as compact {@link FrameSpec} text: arithmetic runs become {@code a-b} or {@code a-bxN}
 * (ascending or descending), the rest stay single numbers. Decoding is {@link FrameSpec#parse}, so the order
 * is kept exactly.
 */
final class FrameListCodec {
    /** Shorter runs are written out: "1,2" is no longer than "1-2". */
    private static final int MIN_RUN = 3;

    private FrameListCodec() {}

    /** @throws IllegalArgumentException when the list is not a valid frame spec (empty, duplicates, out of range) */
    static String encode(List<Integer> frames) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < frames.size()) {
            int end = runEnd(frames, i);
            if (!out.isEmpty()) out.append(',');
            if (end - i + 1 >= MIN_RUN) {
                int step = Math.abs(frames.get(i + 1) - frames.get(i));
                out.append(frames.get(i)).append('-').append(frames.get(end));
                if (step != 1) out.append('x').append(step);
                i = end + 1;
            } else {
                out.append(frames.get(i));
                i++;
            }
        }
        String text = out.toString();
        try {
            if (decode(text).equals(frames)) return text;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("frames " + frames + " cannot be stored: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("frames " + frames + " do not survive encoding as '" + text + "'");
    }

    static List<Integer> decode(String text) {
        return FrameSpec.parse(text).frames();
    }

    /** Last index of the arithmetic run (non-zero step) starting at {@code start}. */
    private static int runEnd(List<Integer> frames, int start) {
        if (start + 1 >= frames.size()) return start;
        long step = (long) frames.get(start + 1) - frames.get(start);
        if (step == 0) return start;
        int end = start + 1;
        while (end + 1 < frames.size() && (long) frames.get(end + 1) - frames.get(end) == step) end++;
        return end;
    }
}
