package dev.sprocket.coordinator;

import dev.sprocket.api.ApiPaths;
import dev.sprocket.core.domain.TaskId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class AuthTest {
    @TempDir static Path dir;
    static Farm farm;

    @BeforeAll static void start() throws Exception { farm = new Farm(dir.resolve("data")); }
    @AfterAll static void stop() { farm.close(); }

    /** One or more routes of each group: meta, blobs, jobs, workers, tasks. */
    static final Map<String, Function<Api, Api.Response>> ROUTES = Map.of(
            "openapi", a -> a.get(ApiPaths.OPENAPI),
            "missing blobs", a -> a.post(ApiPaths.BLOBS_MISSING, Map.of("sha256", List.of())),
            "put blob", a -> a.put(ApiPaths.blob("inputs/ab/" + "ab".repeat(32)), new byte[]{1}),
            "get blob", a -> a.get(ApiPaths.blob("inputs/ab/" + "ab".repeat(32))),
            "list jobs", a -> a.get(ApiPaths.JOBS),
            "cancel job", a -> a.postEmpty(ApiPaths.jobAction("j", "cancel")),
            "lease", a -> a.postEmpty(ApiPaths.worker("w", "lease") + "?waitMs=0"),
            "workers", a -> a.get(ApiPaths.WORKERS),
            "heartbeat", a -> a.post(ApiPaths.task(new TaskId("j", 0), "heartbeat"), Map.of("token", 1)),
            "complete", a -> a.post(ApiPaths.task(new TaskId("j", 0), "complete"), Map.of("token", 1)));

    @Test void everyRouteButHealthNeedsTheToken() {
        List<String> problems = new ArrayList<>();
        ROUTES.forEach((name, call) -> {
            for (Api api : List.of(farm.api.withoutToken(), farm.api.withToken("wrong"), farm.api.withToken(Farm.TOKEN + "x"))) {
                Api.Response r = call.apply(api);
                if (r.status() != 401 || r.error().isBlank()) problems.add(name + ": " + r);
            }
        });
        assertThat(problems).isEmpty();
        assertThat(farm.api.withoutToken().get(ApiPaths.JOBS).error()).contains("missing token");
        assertThat(farm.api.withToken("nope").get(ApiPaths.JOBS).error()).contains("wrong token");
        // Nothing was changed by the refused calls.
        assertThat(farm.api.get(ApiPaths.WORKERS).tree()).isEmpty();
    }

    @Test void healthIsOpen() {
        Api.Response r = farm.api.withoutToken().get(ApiPaths.HEALTH);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.tree().path("status").asText()).isEqualTo("ok");
    }

    @Test void theRightTokenIsAccepted() {
        assertThat(farm.api.get(ApiPaths.JOBS).status()).isEqualTo(200);
    }

    @Test void unknownRoutesAnswerJson() {
        Api.Response r = farm.api.get(ApiPaths.BASE + "/nothing-here");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.error()).isNotBlank();
    }

    @Test void aTokenIsGeneratedOwnerOnlyAndKeptAcrossRestarts(@TempDir Path data) throws Exception {
        List<String> notices = new ArrayList<>();
        ServerConfig config = ServerConfig.defaults(data).withListen("127.0.0.1", 0);
        String token;
        try (CoordinatorServer server = new CoordinatorServer(config, notices::add)) {
            server.start();
            Path file = data.resolve("token");
            assertThat(server.tokenFile()).contains(file);
            token = Files.readString(file).strip();
            assertThat(token).hasSizeGreaterThanOrEqualTo(40);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(notices).anyMatch(n -> n.contains(file.toString()));
            assertThat(notices).noneMatch(n -> n.contains(token));
            Api api = new Api(server.uri(), Optional.of(token));
            assertThat(api.get(ApiPaths.JOBS).status()).isEqualTo(200);
        }
        try (CoordinatorServer again = new CoordinatorServer(config, notices::add)) {
            again.start();
            assertThat(Files.readString(data.resolve("token")).strip()).isEqualTo(token);
            assertThat(new Api(again.uri(), Optional.of(token)).get(ApiPaths.JOBS).status()).isEqualTo(200);
        }
    }
}
