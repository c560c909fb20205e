package dev.sprocket.cli;

import dev.sprocket.core.port.WorkerStatus;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Frames done / total with ETA and what each worker is on. A live bar on a terminal; on a pipe or CI log, a plain
 * line whenever the count changes (at most every few seconds), so logs stay readable.
 */
final class ProgressDisplay implements AutoCloseable {
    private static final Duration PLAIN_EVERY = Duration.ofSeconds(5);

    private final PrintStream err;
    private final ProgressBar bar;
    private final long start = System.nanoTime();
    private long lastPlain;
    private int lastDone = -1;
    private final int total;

    ProgressDisplay(String name, int total, PrintStream err, boolean interactive) {
        this.err = err;
        this.total = total;
        this.bar = interactive ? new ProgressBarBuilder()
                .setTaskName(name)
                .setInitialMax(total)
                .setUnit(" frames", 1)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUpdateIntervalMillis(250)
                .setMaxRenderedLength(160)
                .setConsumer(new ConsoleProgressBarConsumer(err))
                .build() : null;
    }

    void update(int done, List<WorkerStatus> workers) {
        String doing = workers.stream()
                .map(w -> w.name() + ": " + w.doing().orElse("idle"))
                .collect(Collectors.joining(" | "));
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(" " + doing);
            return;
        }
        long now = System.nanoTime();
        if (done != lastDone && (done == total || now - lastPlain > PLAIN_EVERY.toNanos())) {
            double elapsed = (now - start) / 1e9;
            String eta = done > 0 && done < total ? String.format(", ETA %.0fs", elapsed / done * (total - done)) : "";
            err.printf("rendered %d/%d frames (%.0fs%s) %s%n", done, total, elapsed, eta, doing);
            lastPlain = now;
            lastDone = done;
        }
    }

    @Override public void close() {
        if (bar != null) bar.close();
    }
}
