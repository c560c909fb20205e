package dev.sprocket.store;

import dev.sprocket.core.domain.Lease;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Run in a child JVM by {@link SqliteJobStoreTest}: opens the database, says "ready", waits for the go file so
 * every process starts leasing together, then leases until nothing is left and prints each task id.
 */
public final class LeaseLoop {
    static final String READY = "ready";
    private static final long POLL_MILLIS = 2;

    private LeaseLoop() {}

    public static void main(String[] args) throws Exception {
        Path database = Path.of(args[0]);
        String worker = args[1];
        Path go = Path.of(args[2]);
        Duration ttl = Duration.parse(args[3]);
        try (SqliteJobStore store = new SqliteJobStore(database)) {
            System.out.println(READY);
            System.out.flush();
            while (!Files.exists(go)) Thread.sleep(POLL_MILLIS);
            for (Optional<Lease> l; (l = store.leaseNext(worker, Jobs.T0, ttl)).isPresent(); ) {
                System.out.println(l.get().taskId());
            }
        }
    }
}
