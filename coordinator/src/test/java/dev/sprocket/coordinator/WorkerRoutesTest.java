package dev.sprocket.coordinator;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.sprocket.api.ApiPaths;
import dev.sprocket.api.Dto;
import dev.sprocket.core.domain.Lease;
import dev.sprocket.core.domain.WorkerInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerRoutesTest {
    @TempDir static Path dir;
    static Farm farm;

    @BeforeAll static void start() throws Exception { farm = new Farm(dir); }
    @AfterAll static void stop() { farm.close(); }

    @Test void registerAnswersThePeriodsToUse() {
        Api.Response r = farm.api.post(ApiPaths.worker("box-1", "register"), Map.of("blenderVersion", "3.4.1", "cores", 8, "host", "box"));
        assertThat(r.status()).isEqualTo(200);
        Dto.RegisterResponse reg = r.as(Dto.RegisterResponse.class);
        assertThat(reg.name()).isEqualTo("box-1");
        assertThat(reg.heartbeatMillis()).isEqualTo(Farm.SETTINGS.heartbeatEvery().toMillis());
        assertThat(reg.leaseMillis()).isEqualTo(Farm.SETTINGS.leaseTtl().toMillis());
        List<WorkerInfo> workers = farm.api.get(ApiPaths.WORKERS).as(new TypeReference<>() {});
        assertThat(workers).extracting(WorkerInfo::name).contains("box-1");

        Api.Response bad = farm.api.postEmpty(ApiPaths.worker("-x y", "register"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).contains("worker name");
    }

    @Test void aWaitingWorkerGetsANewTaskAtOnce() throws Exception {
        String manifest = farm.stage(Farm.project("wake"));
        List<Double> sinceSent = new ArrayList<>();
        List<Double> sinceAnswered = new ArrayList<>();
        for (int round = 0; round < WAKE_ROUNDS; round++) {
            CompletableFuture<Long> leasedAt = CompletableFuture.supplyAsync(() -> {
                assertThat(farm.lease("waiter", 10_000)).isPresent();
                return System.nanoTime();
            });
            Thread.sleep(200); // let the poll reach the server and park
            assertThat(leasedAt).isNotDone();
            long sent = System.nanoTime();
            Api.Response submitted = farm.api.post(ApiPaths.JOBS, Farm.submission(manifest, "1", 1));
            long answered = System.nanoTime();
            assertThat(submitted.status()).isEqualTo(201);
            long got = leasedAt.get(5, TimeUnit.SECONDS);
            sinceSent.add((got - sent) / 1e6);
            sinceAnswered.add((got - answered) / 1e6);
        }
        System.out.printf("long-poll wake over %d rounds: lease arrived %s ms after the submit was sent, %s ms after its"
                + " response (negative: before it)%n", WAKE_ROUNDS, rounded(sinceSent), rounded(sinceAnswered));
        assertThat(sinceSent).allSatisfy(ms -> assertThat(ms).isLessThan(1000));
    }

    static final int WAKE_ROUNDS = 5;

    private static List<String> rounded(List<Double> ms) {
        return ms.stream().map(v -> String.format("%.1f", v)).toList();
    }

    @Test void aPollWithNothingToDoAnswers204AfterItsWait() {
        long start = System.nanoTime();
        Api.Response r = farm.api.postEmpty(ApiPaths.worker("idle", "lease") + "?waitMs=300");
        double ms = (System.nanoTime() - start) / 1e6;
        assertThat(r.status()).isEqualTo(204);
        assertThat(ms).isBetween(290.0, 3000.0);
        assertThat(farm.api.postEmpty(ApiPaths.worker("idle", "lease") + "?waitMs=-1").status()).isEqualTo(400);
        assertThat(farm.api.postEmpty(ApiPaths.worker("idle", "lease") + "?waitMs=soon").status()).isEqualTo(400);
    }

    @Test void aDrainingWorkerIsToldToGo() throws Exception {
        farm.api.postEmpty(ApiPaths.worker("drainee", "register"));
        CompletableFuture<Api.Response> waiting = CompletableFuture.supplyAsync(
                () -> farm.api.postEmpty(ApiPaths.worker("drainee", "lease") + "?waitMs=10000"));
        Thread.sleep(300);
        long start = System.nanoTime();
        Api.Response drain = farm.api.postEmpty(ApiPaths.worker("drainee", "drain"));
        assertThat(drain.status()).isEqualTo(200);
        assertThat(drain.as(WorkerInfo.class).drain()).isTrue();
        Api.Response woken = waiting.get(5, TimeUnit.SECONDS);
        assertThat(woken.status()).isEqualTo(410);
        assertThat((System.nanoTime() - start) / 1e6).isLessThan(2000);
        assertThat(woken.error()).contains("draining");

        // Even with work queued, a draining worker gets none.
        farm.submit("1");
        assertThat(farm.api.postEmpty(ApiPaths.worker("drainee", "lease")).status()).isEqualTo(410);
        assertThat(farm.api.postEmpty(ApiPaths.worker("nobody", "drain")).status()).isEqualTo(404);

        // Registering again is a fresh start.
        farm.api.postEmpty(ApiPaths.worker("drainee", "register"));
        assertThat(farm.api.postEmpty(ApiPaths.worker("drainee", "lease")).status()).isIn(200, 204);
    }

    @Test void manyWaitingWorkersNeedNoThreadEach() throws Exception {
        int workers = 300;
        int before = Thread.activeCount();
        List<CompletableFuture<Api.Response>> polls = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            String name = "many-" + i;
            polls.add(CompletableFuture.supplyAsync(() -> farm.api.postEmpty(ApiPaths.worker(name, "lease") + "?waitMs=1500"),
                    java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
        }
        Thread.sleep(800);
        int during = Thread.activeCount(); // platform threads only: virtual ones are not counted
        for (CompletableFuture<Api.Response> p : polls) assertThat(p.get(10, TimeUnit.SECONDS).status()).isIn(200, 204);
        System.out.printf("%d waiting long-polls: %d platform threads before, %d during%n", workers, before, during);
        assertThat(during - before).isLessThan(workers / 3);
    }
}
