package dev.sprocket.store;

import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.TaskId;
import dev.sprocket.core.domain.TaskState;
import dev.sprocket.core.port.JobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.sprocket.store.Jobs.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JobStore contract on PostgreSQL (one embedded server for the class, a fresh schema per test), plus what only
 * a shared database must show: coordinators that lease concurrently never share a task and never wait for each other.
 */
class PostgresJobStoreTest extends JobStoreContract {
    /** Small pools for the contract (each test opens its own stores); the coordinators' test uses a thread's worth. */
    private static final PostgresSettings SETTINGS = PostgresSettings.defaults().withPoolSize(4);
    private static final int COORDINATORS = 2;
    private static final int THREADS_PER_COORDINATOR = 8;
    private static final int TASKS = 500;

    private static EmbeddedPostgresServer server;
    private String schema;

    @BeforeAll
    static void startPostgres() {
        server = EmbeddedPostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (server != null) server.close();
    }

    @Override protected JobStore open() {
        if (schema == null) schema = server.newSchema();
        return new PostgresJobStore(server.url(schema), null, null, SETTINGS);
    }

    /** Two coordinators on one database, eight leasing threads each, 500 tasks: each is handed out exactly once. */
    @Test
    void twoCoordinatorsLeasingConcurrentlyHandEveryTaskOutExactlyOnce() throws Exception {
        Job job = Jobs.job("j", "1-" + TASKS, 1);
        store.create(job, job.frames().chunks(1));
        PostgresSettings settings = PostgresSettings.defaults().withPoolSize(THREADS_PER_COORDINATOR);
        List<JobStore> coordinators = new ArrayList<>();
        for (int c = 0; c < COORDINATORS; c++) coordinators.add(new PostgresJobStore(server.url(schema), null, null, settings));
        ExecutorService pool = Executors.newFixedThreadPool(COORDINATORS * THREADS_PER_COORDINATOR);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Lease>>> results = new ArrayList<>();
        try {
            for (int c = 0; c < COORDINATORS; c++) {
                for (int t = 0; t < THREADS_PER_COORDINATOR; t++) {
                    JobStore s = coordinators.get(c);
                    String worker = "c" + c + "-w" + t;
                    results.add(pool.submit(() -> {
                        start.await();
                        List<Lease> mine = new ArrayList<>();
                        for (Optional<Lease> l; (l = s.leaseNext(worker, T0, TTL)).isPresent(); ) mine.add(l.get());
                        return mine;
                    }));
                }
            }
            start.countDown();
            List<Lease> all = new ArrayList<>();
            Set<String> coordinatorsThatLeased = new HashSet<>();
            for (Future<List<Lease>> f : results) {
                List<Lease> mine = f.get(1, TimeUnit.MINUTES);
                all.addAll(mine);
                mine.forEach(l -> coordinatorsThatLeased.add(l.worker().substring(0, 2)));
            }

            assertThat(all).hasSize(TASKS);
            assertThat(all).extracting(Lease::taskId).doesNotHaveDuplicates();
            assertThat(all).allSatisfy(l -> assertThat(l.token()).isEqualTo(1));
            assertThat(coordinatorsThatLeased).as("both coordinators leased").containsExactlyInAnyOrder("c0", "c1");
            assertThat(store.progress("j").tasks(TaskState.LEASED)).isEqualTo(TASKS);
            try (Connection c = server.connect(schema); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT (job_id, idx)) FROM attempts")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).as("one attempt per lease").isEqualTo(TASKS);
                assertThat(rs.getInt(2)).isEqualTo(TASKS);
            }
            for (Lease l : all) assertThat(store.task(l.taskId()).orElseThrow().worker()).contains(l.worker());
        } finally {
            pool.shutdownNow();
            coordinators.forEach(JobStore::close);
        }
    }

    /** A task another coordinator is leasing right now (its row locked) is passed over at once, not waited for. */
    @Test
    void aTaskLockedByAnotherTransactionIsSkippedWithoutWaiting() throws Exception {
        Job job = Jobs.job("j", "1-2", 1);
        store.create(job, job.frames().chunks(1));
        try (Connection other = server.connect(schema)) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.executeQuery("SELECT idx FROM tasks WHERE job_id = 'j' AND idx = 0 FOR UPDATE").close();
            }
            Optional<Lease> lease = CompletableFuture.supplyAsync(() -> store.leaseNext("w1", T0, TTL)).get(10, TimeUnit.SECONDS);
            assertThat(lease).hasValueSatisfying(l -> assertThat(l.taskId()).isEqualTo(new TaskId("j", 1)));
            Optional<Lease> none = CompletableFuture.supplyAsync(() -> store.leaseNext("w2", T0, TTL)).get(10, TimeUnit.SECONDS);
            assertThat(none).as("the only queued task is locked").isEmpty();
            other.rollback();
        }
        assertThat(store.leaseNext("w2", T0, TTL)).hasValueSatisfying(l -> assertThat(l.taskId()).isEqualTo(new TaskId("j", 0)));
    }

    @Test
    void opensFromUserAndPasswordOrFromADataSource() {
        Job job = Jobs.job("j", "1-3", 1);
        store.create(job, job.frames().chunks(1));

        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(server.url());
        dataSource.setUser("postgres");
        dataSource.setCurrentSchema(schema);
        try (JobStore fromDataSource = new PostgresJobStore(dataSource);
             JobStore fromCredentials = new PostgresJobStore(server.url() + "?currentSchema=" + schema, "postgres", "unused")) {
            assertThat(fromDataSource.job("j")).contains(job);
            assertThat(fromCredentials.leaseNext("w", T0, TTL)).hasValueSatisfying(l ->
                    assertThat(l.taskId()).isEqualTo(new TaskId("j", 0)));
            assertThat(fromDataSource.leaseNext("w", T0, TTL)).hasValueSatisfying(l ->
                    assertThat(l.taskId()).isEqualTo(new TaskId("j", 1)));
        }
    }

    @Test
    void runsTheSharedMigrations() throws Exception {
        try (Connection c = server.connect(schema); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank")) {
            List<String> versions = new ArrayList<>();
            while (rs.next()) versions.add(rs.getString(1));
            assertThat(versions).startsWith("1", "2");
        }
    }

    @Test
    void anUnreachableDatabaseFailsWithAMessageThatNamesItButNotThePassword() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/sprocket";
        assertThatThrownBy(() -> new PostgresJobStore(url + "?user=u&password=secret-pw"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot connect to PostgreSQL at " + url)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-pw"));
    }
}
