package dev.sprocket.blender;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a process's output on its own thread, line by line, so that Blender never blocks on a full pipe and the
 * caller can wait for the next line with a timeout (and notice the process dying, as end of stream).
 */
final class OutputPump {
    /** What {@link #next} returns when the process closed its output (exited or was killed). */
    static final String EOF = new String("<eof>");
    /** What {@link #next} returns when no line arrived in time. */
    static final String TIMEOUT = new String("<timeout>");

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private volatile boolean ended;

    OutputPump(InputStream in, String threadName) {
        Thread t = new Thread(() -> pump(in), threadName);
        t.setDaemon(true);
        t.start();
    }

    private void pump(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) lines.add(line);
        } catch (IOException ignored) {
            // the stream breaks when the process is killed: same as end of output
        } finally {
            ended = true;
            lines.add(EOF);
        }
    }

    /** The next line, {@link #EOF} (also on every call after it), or {@link #TIMEOUT}; zero timeout waits forever. */
    String next(Duration timeout) throws InterruptedException {
        String line = timeout.isZero() ? lines.take() : lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (line == null) return TIMEOUT;
        if (line == EOF) lines.add(EOF); // keep answering EOF
        return line;
    }

    boolean ended() { return ended; }
}
