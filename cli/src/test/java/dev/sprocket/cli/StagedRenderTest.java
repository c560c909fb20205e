package dev.sprocket.cli;

import dev.sprocket.blender.BlenderInspector;
import dev.sprocket.blender.BlenderRenderer;
import dev.sprocket.blender.BlenderSettings;
import dev.sprocket.blender.testing.BlendFiles;
import dev.sprocket.blender.testing.Pixels;
import dev.sprocket.blender.testing.ReferenceRender;
import dev.sprocket.blender.testing.TestBlender;
import dev.sprocket.core.dispatch.DispatchSettings;
import dev.sprocket.core.dispatch.Dispatcher;
import dev.sprocket.core.dispatch.InProcessWorkSource;
import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.domain.FrameSpec;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.domain.JobState;
import dev.sprocket.core.domain.OutputFile;
import dev.sprocket.core.domain.OutputFormat;
import dev.sprocket.core.domain.RenderSettings;
import dev.sprocket.core.stage.Stager;
import dev.sprocket.store.DirectoryBlobStore;
import dev.sprocket.store.SqliteJobStore;
import dev.sprocket.worker.LocalFleet;
import dev.sprocket.worker.WorkerSettings;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Other people's projects (linked libraries, UDIM tiles, a baked particle cache) render from the staged copy —
 * with the originals moved away before any worker starts — pixel-identical to a render from the originals.
 */
class StagedRenderTest {
    @TempDir Path dir;

    @ParameterizedTest(name = "{0} frame {1}")
    @CsvSource({
            "geometry-nodes/file_to_pack.blend, 1",
            "udim/v01_UDIM_BAT_debugging.blend, 1",
            "T55539-particles/particle.blend, 40",
    })
    void rendersFromTheStagedCopyIdenticallyToTheOriginals(String file, int frame) throws Exception {
        Path originals = dir.resolve("project");
        copyTree(BlendFiles.dir(), originals);
        Path blend = originals.resolve(file);
        RenderSettings settings = new RenderSettings(Optional.of(2), Optional.of(10), Optional.empty(), OutputFormat.PNG,
                Optional.empty(), true, false);
        Path expected = ReferenceRender.render(blend, frame, settings, dir.resolve("reference"));

        BlendInfo info = new BlenderInspector(TestBlender.get(), BlenderSettings.defaults()).inspect(blend);
        assertThat(info.missing()).as("the test needs a complete project").isEmpty();
        DirectoryBlobStore blobs = new DirectoryBlobStore(dir.resolve("blobs"));
        Stager.Result staged = new Stager(blobs).stage("job", blend, info, Stager.Listener.NONE);
        assertThat(staged.manifest().entries().size()).isEqualTo(1 + info.dependencies().stream().mapToInt(d -> d.files().size()).sum());

        Files.move(originals, dir.resolve("moved-away"));
        assertThat(blend).doesNotExist();

        try (SqliteJobStore store = new SqliteJobStore(dir.resolve("db/sprocket.db"))) {
            Dispatcher dispatcher = new Dispatcher(store, Clock.systemUTC(), DispatchSettings.defaults());
            dispatcher.submit(new Job("job", "staged", staged.manifestKey(), info.activeScene(), FrameSpec.parse(String.valueOf(frame)),
                    1, settings, 0, JobState.ACTIVE, Instant.now().truncatedTo(ChronoUnit.MILLIS)));
            try (LocalFleet fleet = new LocalFleet(new InProcessWorkSource(dispatcher, "job"), blobs,
                    new BlenderRenderer(TestBlender.get(), BlenderSettings.defaults()), dir.resolve("workers"), WorkerSettings.defaults())) {
                fleet.start(1);
                assertThat(dispatcher.awaitTerminal("job", Duration.ofMinutes(5))).as(attempts(store)).isEqualTo(JobState.COMPLETED);
            }
            List<OutputFile> outputs = store.outputs("job");
            assertThat(outputs).hasSize(1);
            Path actual = dir.resolve("out").resolve(outputs.getFirst().name());
            blobs.get(outputs.getFirst().key(), actual);
            Pixels.assertIdentical(expected, actual);
        }
    }

    @org.junit.jupiter.api.Test
    void absoluteTexturePathsAreStagedUnderExternalAndRemappedOnTheWorker() throws Exception {
        Path project = dir.resolve("abs-project");
        Path blend = dev.sprocket.blender.testing.TestScenes.cycles().frames(1, 2).resolution(48, 36).samples(2).texture(true)
                .create(project.resolve("shot.blend"));
        // Rewrite the texture path as absolute, the way a careless artist's file has it.
        Path script = Files.writeString(dir.resolve("absolute.py"),
                "import bpy\nbpy.ops.file.make_paths_absolute()\nbpy.ops.wm.save_mainfile()\n");
        Process p = new ProcessBuilder(TestBlender.get().executable().toString(), "-b", blend.toString(), "--python", script.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor()).isZero();
        BlendInfo info = new BlenderInspector(TestBlender.get(), BlenderSettings.defaults()).inspect(blend);
        String texture = project.resolve("textures/checker.png").toAbsolutePath().toString();
        assertThat(info.dependencies()).anyMatch(d -> d.path().equals(texture) && d.present());

        RenderSettings settings = RenderSettings.defaults(OutputFormat.PNG);
        Path expected = ReferenceRender.render(blend, 2, settings, dir.resolve("reference"));
        DirectoryBlobStore blobs = new DirectoryBlobStore(dir.resolve("blobs"));
        Stager.Result staged = new Stager(blobs).stage("job", blend, info, Stager.Listener.NONE);
        assertThat(staged.manifest().remaps()).containsKey(texture);
        Files.move(project, dir.resolve("moved-away"));

        try (SqliteJobStore store = new SqliteJobStore(dir.resolve("db/sprocket.db"))) {
            Dispatcher dispatcher = new Dispatcher(store, Clock.systemUTC(), DispatchSettings.defaults());
            dispatcher.submit(new Job("job", "abs", staged.manifestKey(), info.activeScene(), FrameSpec.parse("2"),
                    1, settings, 0, JobState.ACTIVE, Instant.now().truncatedTo(ChronoUnit.MILLIS)));
            try (LocalFleet fleet = new LocalFleet(new InProcessWorkSource(dispatcher, "job"), blobs,
                    new BlenderRenderer(TestBlender.get(), BlenderSettings.defaults()), dir.resolve("workers"), WorkerSettings.defaults())) {
                fleet.start(1);
                assertThat(dispatcher.awaitTerminal("job", Duration.ofMinutes(5))).as(attempts(store)).isEqualTo(JobState.COMPLETED);
            }
            OutputFile out = store.outputs("job").getFirst();
            Path actual = dir.resolve("out").resolve(out.name());
            blobs.get(out.key(), actual);
            Pixels.assertIdentical(expected, actual);
        }
    }

    private static String attempts(SqliteJobStore store) {
        StringBuilder sb = new StringBuilder("attempts: ");
        store.tasks("job").forEach(t -> store.attempts(t.id()).forEach(a -> sb.append(a.outcome()).append(' ').append(a.message().orElse("")).append("; ")));
        return sb.toString();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted(Comparator.naturalOrder()).toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                t.toFile().setWritable(true);
            }
        }
    }
}
