package dev.sprocket.coordinator;

import dev.sprocket.api.ApiPaths;
import dev.sprocket.api.Dto;
import dev.sprocket.core.domain.AttemptReport;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.Lease;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --db jdbc:postgresql:…}: the same API over PostgreSQL, and its state outlives the coordinator. */
class PostgresServerTest {
    @Test void theServerRunsOnPostgresAndKeepsItsJobsAcrossARestart(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres?user=postgres";
            ServerConfig config = ServerConfig.defaults(dir).withListen("127.0.0.1", 0).withToken(Farm.TOKEN)
                    .withDispatch(Farm.SETTINGS).withJdbcUrl(url);
            Job job;
            Lease lease;
            try (Farm farm = new Farm(dir, config)) {
                job = farm.submit("1-2");
                lease = farm.leaseNow("pg-worker");
            }
            try (Farm farm = new Farm(dir, config)) {
                assertThat(farm.job(job.id()).job()).isEqualTo(job);
                Api.Response done = farm.api.post(Farm.task(lease.taskId(), "complete"),
                        new Dto.Complete(lease.token(), List.of(), AttemptReport.empty()));
                assertThat(done.status()).as(done.toString()).isEqualTo(200);
                Lease second = farm.leaseNow("pg-worker");
                assertThat(farm.api.post(Farm.task(second.taskId(), "complete"),
                        new Dto.Complete(second.token(), List.of(), AttemptReport.empty())).status()).isEqualTo(200);
                assertThat(farm.job(job.id()).job().state()).isEqualTo(JobState.COMPLETED);
                assertThat(farm.api.get(ApiPaths.JOBS).tree()).hasSize(1);
            }
        }
    }

    @Test void aPasswordInTheUrlStaysOutOfMessages() {
        assertThat(JobStores.redact("jdbc:postgresql://bob:secret@db:5432/farm?password=secret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/farm");
    }
}
