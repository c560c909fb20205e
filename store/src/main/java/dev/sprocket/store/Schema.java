package dev.sprocket.store;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;

/**
 * The job store schema, applied by Flyway. The scripts in {@link #COMMON} are written to run unchanged on SQLite
 * and PostgreSQL, so the PostgreSQL adapter applies the same ones (plus any PostgreSQL-only scripts of its own).
 */
public final class Schema {
    /** Migrations shared by every SQL job store. */
    public static final String COMMON = "classpath:db/migration/common";

    private Schema() {}

    public static void migrate(DataSource dataSource, String... extraLocations) {
        String[] locations = new String[extraLocations.length + 1];
        locations[0] = COMMON;
        System.arraycopy(extraLocations, 0, locations, 1, extraLocations.length);
        Flyway.configure()
                .dataSource(dataSource)
                .locations(locations)
                .load()
                .migrate();
    }
}
