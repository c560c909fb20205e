package dev.sprocket.coordinator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Finds the API token: the configured one, else the one in the token file, else a new random one written there
 * readable by its owner only. Notices name the file, never the token: logs get copied to places tokens must not go.
 */
final class ServerToken {
    /** 256 bits: as strong as the sha256 keys it protects. */
    static final int RANDOM_BYTES = 32;
    private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private ServerToken() {}

    static String resolve(Optional<String> configured, Path file, Consumer<String> notices) throws IOException {
        if (configured.isPresent()) return configured.get().strip();
        if (Files.exists(file)) return read(file, notices);
        String token = generate();
        try {
            writeOwnerOnly(file, token);
        } catch (FileAlreadyExistsException e) {
            return read(file, notices); // another coordinator on this data dir won the race: use its token
        }
        notices.accept("Generated an API token in " + file + " (readable by you only); clients and workers need it"
                + " as SPROCKET_TOKEN");
        return token;
    }

    private static String read(Path file, Consumer<String> notices) throws IOException {
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new IOException("token file " + file + " is empty; delete it to have a new token generated, or set SPROCKET_TOKEN");
        }
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null && !OWNER_ONLY.containsAll(posix.readAttributes().permissions())) {
            notices.accept("Warning: token file " + file + " is readable by other users; run: chmod 600 " + file);
        }
        notices.accept("Using the API token in " + file);
        return token;
    }

    static String generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Creates the file with owner-only permissions from the start (no window where others could read it). */
    private static void writeOwnerOnly(Path file, String token) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        boolean posix = Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
        FileAttribute<?>[] attrs = posix ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
        Path temp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createFile(temp, attrs);
            Files.writeString(temp, token + "\n", StandardCharsets.UTF_8);
            // A hard link appears whole and never replaces an existing file: if another coordinator on this data
            // dir wrote a token first, this throws FileAlreadyExistsException and the caller uses that one.
            Files.createLink(file, temp);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
