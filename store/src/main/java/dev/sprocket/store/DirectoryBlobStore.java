package dev.sprocket.store;

import dev.sprocket.core.port.BlobStore;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A {@link BlobStore} in a local directory: key {@code a/b/c} is the file {@code ROOT/a/b/c}.
 * <p>Blobs are immutable files. Every write goes to a temp file beside the target and is renamed over it
 * ({@code ATOMIC_MOVE}), so a reader sees the old blob or the new one, never a mix; {@code put} replaces a blob by
 * a new file (a new inode), never by writing into the old one. That is what lets {@link #get} hand out hard links:
 * a link keeps the content it was made from, whatever is put under the key later. Blob files are made read-only
 * (on POSIX file systems) so that writing into a linked copy fails instead of changing the blob; what {@code get}
 * writes is read-only too, linked or copied, and callers must treat it so (root ignores the mode: be careful).
 */
public final class DirectoryBlobStore implements BlobStore {
    private static final Set<PosixFilePermission> READ_ONLY = EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);

    /**
     * @param linkOnGet let {@link #get} hard-link the blob when the target is on the same file system (no copy)
     * @param fsync     force each blob to disk before it becomes visible, so a power loss cannot leave a renamed
     *                  but empty file behind
     */
    public record Options(boolean linkOnGet, boolean fsync) {
        public static Options defaults() { return new Options(true, true); }
    }

    private final BlobKeyPaths keys;
    private final Options options;

    public DirectoryBlobStore(Path root) throws IOException {
        this(root, Options.defaults());
    }

    public DirectoryBlobStore(Path root, Options options) throws IOException {
        this.keys = new BlobKeyPaths(root);
        this.options = options;
        Files.createDirectories(keys.root());
    }

    public Path root() { return keys.root(); }

    /**
     * The file that holds {@code key}, for local readers (it may not exist). Read it, never write it.
     *
     * @throws IllegalArgumentException when the key is not a valid blob key
     */
    public Path path(String key) {
        return keys.resolve(key);
    }

    @Override public boolean exists(String key) {
        return Files.isRegularFile(path(key));
    }

    @Override public void put(String key, Path source) throws IOException {
        Path target = path(key);
        writeAtomically(target, temp -> Files.copy(source, temp), true);
    }

    @Override public void putBytes(String key, byte[] data) throws IOException {
        Path target = path(key);
        writeAtomically(target, temp -> Files.write(temp, data, StandardOpenOption.CREATE_NEW), true);
    }

    /** @throws NoSuchFileException when there is no blob under {@code key} */
    @Override public void get(String key, Path target) throws IOException {
        Path blob = path(key);
        if (!Files.isRegularFile(blob)) throw new NoSuchFileException(blob.toString(), null, "no blob '" + key + "'");
        Path destination = target.toAbsolutePath();
        if (options.linkOnGet() && tryLink(blob, destination)) return;
        writeAtomically(destination, temp -> Files.copy(blob, temp), false);
    }

    @Override public Optional<byte[]> readBytes(String key) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(path(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override public Optional<Long> size(String key) throws IOException {
        try {
            return Optional.of(Files.size(path(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** Removes the blob; hard links made by {@link #get} keep their content. Empty directories are left behind. */
    @Override public void delete(String key) throws IOException {
        Files.deleteIfExists(path(key));
    }

    @Override public String describe(String key) {
        return path(key).toString();
    }

    private interface Writer {
        void write(Path temp) throws IOException;
    }

    /** Writes into a fresh temp file beside {@code target}, then renames it over the target in one step. */
    private void writeAtomically(Path target, Writer writer, boolean blob) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = tempSibling(target);
        try {
            writer.write(temp);
            if (options.fsync()) force(temp);
            if (blob) makeReadOnly(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Links the blob to a temp name, then renames it over the target; false when the file systems differ. */
    private boolean tryLink(Path blob, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = tempSibling(target);
        try {
            try {
                Files.createLink(temp, blob);
            } catch (UnsupportedOperationException | FileSystemException e) {
                return false; // another file system, or one without hard links: copy instead
            }
            // If the target already is a link to this blob, rename does nothing and the finally removes temp.
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A unique hidden name in the target's directory: same file system, so the final rename is atomic. */
    private static Path tempSibling(Path target) {
        return target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    }

    /** Opened for reading: a copy may already carry the blob's read-only mode, and fsync needs no write access. */
    private static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void makeReadOnly(Path file) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null) posix.setPermissions(READ_ONLY);
    }
}
