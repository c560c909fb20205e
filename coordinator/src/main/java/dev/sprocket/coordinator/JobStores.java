package dev.sprocket.coordinator;

import dev.sprocket.core.port.JobStore;
import dev.sprocket.store.PostgresJobStore;
import dev.sprocket.store.SqliteJobStore;

import java.nio.file.Path;

/** Opens the JobStore a {@link ServerConfig} names: SQLite in the data dir unless a JDBC URL says otherwise. */
final class JobStores {
    static final String SQLITE = "jdbc:sqlite:";
    static final String POSTGRES = "jdbc:postgresql:";

    private JobStores() {}

    static JobStore open(ServerConfig config) {
        if (config.jdbcUrl().isEmpty()) return new SqliteJobStore(config.databaseFile());
        String url = config.jdbcUrl().get();
        if (url.startsWith(SQLITE)) {
            String file = url.substring(SQLITE.length());
            if (file.isBlank() || file.startsWith(":memory:") || file.contains("?")) {
                throw new IllegalArgumentException("--db " + redact(url) + ": give a file, e.g. jdbc:sqlite:/var/lib/sprocket/sprocket.db"
                        + " (in-memory databases and URL options are not supported)");
            }
            return new SqliteJobStore(Path.of(file));
        }
        // Several coordinators may share one PostgreSQL database; credentials go in the URL (user=, password=).
        if (url.startsWith(POSTGRES)) return new PostgresJobStore(url);
        throw new IllegalArgumentException("--db " + redact(url) + ": expected a jdbc:sqlite: or jdbc:postgresql: URL");
    }

    /** The URL without its parameters or user info, which may hold a password: fit for messages and logs. */
    static String redact(String url) {
        String noQuery = url.replaceAll("[?;].*$", "");
        return noQuery.replaceAll("//[^/@]*@", "//");
    }
}
