/**
 * SQL job stores and the directory blob store.
 * <ul>
 *   <li>{@link dev.sprocket.store.SqliteJobStore}: the embedded {@code JobStore} in one SQLite file, safe across
 *       threads and processes.</li>
 *   <li>{@link dev.sprocket.store.PostgresJobStore}: the scale-out {@code JobStore}; several coordinators share one
 *       PostgreSQL database and lease with {@code FOR UPDATE SKIP LOCKED}.</li>
 *   <li>Both run the same Flyway migrations ({@code db/migration/common}) and the same SQL ({@code SqlJobStore}),
 *       with task transitions derived from core's state machine ({@code TaskTransitions}).</li>
 *   <li>{@link dev.sprocket.store.DirectoryBlobStore}: the {@code BlobStore} in a directory, atomic writes,
 *       hard-linked reads.</li>
 * </ul>
 */
package dev.sprocket.store;
