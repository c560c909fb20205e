package dev.sprocket.blender;

/** Blender's output for one render call, bounded: when too long, the oldest text goes (errors are at the end). */
final class LogBuffer {
    private final int max;
    private final StringBuilder text = new StringBuilder();
    private long dropped;

    LogBuffer(int max) { this.max = max; }

    void add(String line) {
        text.append(line).append('\n');
        if (text.length() > max) {
            int cut = text.length() - max + max / 10; // cut in batches, not per line
            int nl = text.indexOf("\n", cut);
            cut = nl < 0 ? text.length() : nl + 1;
            dropped += cut;
            text.delete(0, cut);
        }
    }

    @Override
    public String toString() {
        return dropped == 0 ? text.toString() : "[... " + dropped + " earlier characters of Blender output dropped ...]\n" + text;
    }
}
