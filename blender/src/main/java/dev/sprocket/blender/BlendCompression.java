package dev.sprocket.blender;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/** How a .blend is stored on disk, told by its first bytes (no Blender needed). */
public enum BlendCompression {
    NONE("none"), GZIP("gzip"), ZSTD("zstd");

    private static final byte[] BLENDER = "BLENDER".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] GZIP_MAGIC = {(byte) 0x1f, (byte) 0x8b};
    private static final byte[] ZSTD_MAGIC = {(byte) 0x28, (byte) 0xb5, (byte) 0x2f, (byte) 0xfd};

    private final String label;

    BlendCompression(String label) { this.label = label; }

    /** "none", "gzip" or "zstd", as {@code BlendInfo.compression()} reports it. */
    public String label() { return label; }

    /** Empty when the file starts like no .blend at all (a text file, an image, an empty file). */
    public static Optional<BlendCompression> detect(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(BLENDER.length);
        }
        if (startsWith(head, BLENDER)) return Optional.of(NONE);
        if (startsWith(head, GZIP_MAGIC)) return Optional.of(GZIP);
        if (startsWith(head, ZSTD_MAGIC)) return Optional.of(ZSTD);
        return Optional.empty();
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        return head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0, magic.length);
    }
}
