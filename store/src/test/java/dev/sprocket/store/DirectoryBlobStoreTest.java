package dev.sprocket.store;

import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.port.BlobKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectoryBlobStoreTest {
    private static final String SHA = "ab".repeat(32);
    private static final int WRITERS = 6;
    private static final int WRITES_EACH = 30;
    private static final int BLOB_BYTES = 64 * 1024;

    @TempDir Path dir;
    private DirectoryBlobStore blobs;

    @BeforeEach
    void open() throws IOException {
        blobs = new DirectoryBlobStore(dir.resolve("blobs"));
    }

    private static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    @Test
    void roundTrips() throws IOException {
        String key = BlobKeys.input(SHA);
        assertThat(blobs.exists(key)).isFalse();
        assertThat(blobs.readBytes(key)).isEmpty();
        assertThat(blobs.size(key)).isEmpty();

        blobs.putBytes(key, bytes("scene data"));
        assertThat(blobs.exists(key)).isTrue();
        assertThat(blobs.readBytes(key)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("scene data")));
        assertThat(blobs.size(key)).contains(10L);
        assertThat(blobs.path(key)).isEqualTo(dir.resolve("blobs").resolve("inputs/ab/" + SHA).toAbsolutePath());
        assertThat(Path.of(blobs.describe(key))).isAbsolute().isEqualTo(blobs.path(key));

        Path source = Files.writeString(dir.resolve("frame.png"), "pixels");
        String out = BlobKeys.output(new TaskId("j", 3), 2, "frame_0001.png");
        blobs.put(out, source);
        Path target = dir.resolve("work/out/frame_0001.png");
        blobs.get(out, target);
        assertThat(target).hasContent("pixels");
        assertThat(source).hasContent("pixels").as("the source is left alone");

        blobs.delete(out);
        assertThat(blobs.exists(out)).isFalse();
        assertThat(target).as("a fetched copy outlives the blob").hasContent("pixels");
        blobs.delete(out); // deleting what is gone is fine
        assertThatThrownBy(() -> blobs.get(out, dir.resolve("x"))).isInstanceOf(NoSuchFileException.class);
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void replacingABlobNeverChangesWhatWasFetchedBefore() throws IOException {
        String key = "jobs/j/manifest";
        blobs.putBytes(key, bytes("v1"));
        Path linked = dir.resolve("work/manifest");
        blobs.get(key, linked);
        assertThat(Files.isSameFile(linked, blobs.path(key))).as("same file system: hard link").isTrue();

        blobs.putBytes(key, bytes("version 2"));
        assertThat(blobs.readBytes(key)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("version 2")));
        assertThat(linked).as("put wrote a new file, not into the linked one").hasContent("v1");

        blobs.get(key, linked); // replaces the target atomically too
        assertThat(linked).hasContent("version 2");
        blobs.get(key, linked); // already the same file
        assertThat(linked).hasContent("version 2");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void copiesWhenLinkingIsOff() throws IOException {
        DirectoryBlobStore copying = new DirectoryBlobStore(dir.resolve("blobs"), new DirectoryBlobStore.Options(false, false));
        copying.putBytes("a/b", bytes("data"));
        Path target = dir.resolve("copy");
        copying.get("a/b", target);
        assertThat(target).hasContent("data");
        assertThat(Files.isSameFile(target, copying.path("a/b"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/etc/passwd", "..", "a/../b", "a/..", "./a", "a/./b", "a//b", "a/", "a\\b", "C:\\x",
            "a/\u0000b", "a/\nb"})
    void refusesKeysThatCouldEscapeOrAlias(String key) {
        assertThatThrownBy(() -> blobs.putBytes(key, bytes("x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blob key");
        assertThatThrownBy(() -> blobs.exists(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> blobs.path(key)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsOrdinaryKeys() {
        assertThat(blobs.path("a..b/c.d/.hidden")).startsWithRaw(blobs.root());
        assertThat(blobs.path(BlobKeys.log(new TaskId("job-1", 0), 7))).startsWithRaw(blobs.root());
    }

    /** Writers of one key race; a reader must always see one writer's whole blob, never a mix or a truncation. */
    @Test
    void concurrentWritersOfOneKeyNeverLeaveATornBlob() throws Exception {
        String key = "jobs/j/tasks/0/1/frame_0001.png";
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Future<?>> writers = new ArrayList<>();
        try {
            for (int w = 0; w < WRITERS; w++) {
                byte fill = (byte) ('A' + w);
                byte[] blob = new byte[BLOB_BYTES + w]; // a different length per writer shows truncation too
                Arrays.fill(blob, fill);
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < WRITES_EACH; i++) blobs.putBytes(key, blob);
                    return null;
                }));
            }
            Future<Integer> reader = pool.submit(() -> {
                start.await();
                int reads = 0;
                while (writing.get()) {
                    var read = blobs.readBytes(key);
                    if (read.isEmpty()) continue;
                    assertWhole(read.get());
                    reads++;
                }
                return reads;
            });
            start.countDown();
            for (Future<?> w : writers) w.get(1, TimeUnit.MINUTES);
            writing.set(false);
            assertThat(reader.get(1, TimeUnit.MINUTES)).isPositive();
            assertWhole(blobs.readBytes(key).orElseThrow());
            assertThat(leftovers()).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertWhole(byte[] blob) {
        int writer = blob[0] - 'A';
        assertThat(blob).hasSize(BLOB_BYTES + writer);
        for (byte b : blob) if (b != blob[0]) throw new AssertionError("torn blob: mixes " + (char) blob[0] + " and " + (char) b);
    }
}
