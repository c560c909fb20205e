package dev.sprocket.cli;

import dev.sprocket.blender.testing.BlendFiles;
import dev.sprocket.blender.testing.TestScenes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets one clear line on stderr, a non-zero exit, and changes nothing: no job, no staged file, no output. */
class RefusalTest {
    @TempDir static Path dir;
    static Path home;
    static Path noBlur;

    @BeforeAll static void setUp() {
        home = dir.resolve("home");
        noBlur = TestScenes.cycles().frames(1, 4).resolution(32, 24).samples(1).motionBlur(false).create(dir.resolve("noblur.blend"));
    }

    private static CliRun refused(String... args) throws IOException {
        Path out = dir.resolve("out-" + System.nanoTime());
        String[] full = Stream.concat(Stream.of(args), Stream.of("--output", out.toString())).toArray(String[]::new);
        CliRun r = CliRun.run(home, full);
        assertThat(r.exitCode()).as(r.toString()).isNotZero();
        assertThat(r.err().lines().filter(l -> l.startsWith("sprocket: ")).count()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).as("no stack trace without --verbose").doesNotContain("\tat ");
        assertThat(out).as("nothing rendered").doesNotExist();
        assertThat(stagedBlobs()).as("nothing staged").isZero();
        return r;
    }

    private static long stagedBlobs() throws IOException {
        Path inputs = home.resolve("blobs").resolve("inputs");
        if (!Files.exists(inputs)) return 0;
        try (Stream<Path> s = Files.walk(inputs)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test void corruptFile() throws IOException {
        CliRun r = refused("render", BlendFiles.get("corrupt_only_magic.blend").toString());
        assertThat(r.errorLine()).contains("corrupt_only_magic.blend").contains("not a readable .blend");
    }

    @Test void notABlendFileAtAll() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.blend"), "these are my notes, not a scene\n");
        assertThat(refused("render", text.toString()).errorLine()).contains("notes.blend");
    }

    @Test void fileThatDoesNotExist() throws IOException {
        assertThat(refused("render", dir.resolve("nope.blend").toString()).errorLine()).contains("nope.blend").contains("does not exist");
    }

    @Test void noCamera() throws IOException {
        // basic_file.blend is someone else's scene without a camera
        CliRun r = refused("render", BlendFiles.get("basic_file.blend").toString(), "--frames", "1");
        assertThat(r.errorLine()).contains("basic_file.blend").contains("has no camera");
    }

    @Test void missingTexturesAreEachNamed() throws IOException {
        Path scene = TestScenes.cycles().frames(1, 2).resolution(32, 24).samples(1).texture(true).create(dir.resolve("tex/shot.blend"));
        Files.delete(scene.resolveSibling("textures").resolve("checker.png"));
        CliRun r = refused("render", scene.toString(), "--frames", "1");
        assertThat(r.errorLine()).contains("missing").contains(TestScenes.TEXTURE_PATH).contains("--allow-missing");
    }

    @Test void missingLibraryOfSomeoneElsesFile() throws IOException {
        CliRun r = refused("render", BlendFiles.get("doubly_linked.blend").toString(), "--frames", "1");
        // no camera is reported first or the missing library: either way the file is named and nothing happens
        assertThat(r.errorLine()).contains("doubly_linked.blend");
    }

    @Test void invalidFrameSpecs() throws IOException {
        assertThat(refused("render", noBlur.toString(), "--frames", "abc").errorLine()).contains("'abc'");
        assertThat(refused("render", noBlur.toString(), "--frames", "1-999999999").errorLine()).contains("outside 0-1048574");
        assertThat(refused("render", noBlur.toString(), "--frames", "5-1x0").errorLine()).contains("step");
        assertThat(refused("render", noBlur.toString(), "--frames", "1,1").errorLine()).contains("more than once");
        assertThat(refused("render", noBlur.toString(), "--frames", "").errorLine()).contains("empty");
    }

    @Test void animationWithMotionBlurOffNeedsAnExplicitChoice() throws IOException {
        CliRun r = refused("render", noBlur.toString(), "--frames", "1-4");
        assertThat(r.errorLine()).contains("motion blur off").contains("--motion-blur on").contains("--motion-blur off");
    }

    @Test void denoisingWithoutOpenImageDenoiseSuggestsTheFlag() throws IOException {
        Path denoise = TestScenes.cycles().frames(1, 1).resolution(32, 24).samples(1).denoising(true).create(dir.resolve("denoise.blend"));
        CliRun r = refused("render", denoise.toString());
        assertThat(r.errorLine()).contains("OpenImageDenoise").contains("--no-denoise");
    }

    @Test void absurdOptionValues() throws IOException {
        assertThat(refused("render", noBlur.toString(), "--frames", "1", "--samples", "0").errorLine()).contains("samples");
        assertThat(refused("render", noBlur.toString(), "--frames", "1", "--chunk", "0").errorLine()).contains("--chunk");
        assertThat(refused("render", noBlur.toString(), "--frames", "1", "--format", "GIF").errorLine()).contains("GIF");
        assertThat(refused("render", noBlur.toString(), "--frames", "1", "--engine", "povray").errorLine()).contains("povray");
        assertThat(refused("render", noBlur.toString(), "--frames", "1", "--workers", "0").errorLine()).contains("--workers");
    }

    @Test void inspectOfACorruptFileFailsWithOneLine() {
        CliRun r = CliRun.run(home, "inspect", BlendFiles.get("corrupt_only_magic.blend").toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.errorLine()).contains("corrupt_only_magic.blend");
    }
}
