/**
 * Embedded stores: everything on one machine, no setup.
 * <ul>
 *   <li>{@link dev.sprocket.store.SqliteJobStore}: the {@code JobStore} in one SQLite file (Flyway schema in
 *       {@code db/migration/common}, shared with the PostgreSQL adapter), safe across threads and processes.</li>
 *   <li>{@link dev.sprocket.store.DirectoryBlobStore}: the {@code BlobStore} in a directory, atomic writes,
 *       hard-linked reads.</li>
 * </ul>
 */
package dev.sprocket.store;
