package dev.sprocket.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;

/** A throwaway PostgreSQL server for the dispatch benchmark. */
final class EmbeddedPostgresHandle implements AutoCloseable {
    private final EmbeddedPostgres pg;

    private EmbeddedPostgresHandle(EmbeddedPostgres pg) { this.pg = pg; }

    static EmbeddedPostgresHandle start() throws IOException {
        return new EmbeddedPostgresHandle(EmbeddedPostgres.builder().start());
    }

    String jdbcUrl() { return pg.getJdbcUrl("postgres", "postgres") + "&password=postgres"; }

    @Override public void close() throws IOException { pg.close(); }
}
