package dev.sprocket.blender;

import dev.sprocket.blender.testing.BlendFiles;
import dev.sprocket.blender.testing.TestBlender;
import dev.sprocket.blender.testing.TestScenes;
import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.domain.Dependency;
import dev.sprocket.core.domain.SceneInfo;
import dev.sprocket.core.port.BlendFileException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Inspection of real-world files (Blender Asset Tracer's test set) and of generated scenes, with real Blender. */
class BlenderInspectorTest {
    static BlenderInspector inspector;

    @BeforeAll
    static void blender() {
        inspector = new BlenderInspector(TestBlender.get(), BlenderSettings.defaults());
    }

    static BlendInfo inspect(String shared) throws BlendFileException {
        return inspector.inspect(BlendFiles.get(shared));
    }

    static String file(String shared) { return BlendFiles.get(shared).toString(); }

    @Test
    void the_three_encodings_of_basic_file_report_the_same_scene() throws Exception {
        BlendInfo plain = inspect("basic_file.blend");
        BlendInfo gzip = inspect("basic_file_compressed.blend");
        BlendInfo zstd = inspect("basic_file_zstandard.blend");

        assertThat(plain.compression()).isEqualTo("none");
        assertThat(gzip.compression()).isEqualTo("gzip");
        assertThat(zstd.compression()).isEqualTo("zstd");
        assertThat(plain.savedWith()).isEqualTo("2.79.2");
        assertThat(plain.inspectedWith()).isEqualTo(TestBlender.get().version());
        assertThat(plain.activeScene()).isEqualTo("Scene");
        assertThat(plain.active().camera()).isEmpty();
        assertThat(plain.dependencies()).isEmpty();
        assertThat(gzip.scenes()).isEqualTo(plain.scenes());
        // The zstd copy was re-saved by Blender 3.1, whose Cycles wrote its own sample count; all else is the same.
        assertThat(zstd.scenes()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("samples").isEqualTo(plain.scenes());
        SceneInfo s = plain.active();
        assertThat(List.of(s.frameStart(), s.frameEnd(), s.frameStep(), s.resolutionX(), s.resolutionY(), s.resolutionPercent()))
                .containsExactly(1, 250, 1, 1920, 1080, 50);
        assertThat(s.engine()).isEqualTo("CYCLES");
        assertThat(s.fps()).isEqualTo(24.0);
    }

    @Test
    void reports_the_settings_of_a_generated_scene(@TempDir Path dir) throws Exception {
        Path blend = TestScenes.cycles().frames(3, 17).resolution(80, 60).resolutionPercent(50).samples(5)
                .motionBlur(true).create(dir.resolve("shot.blend"));

        BlendInfo info = inspector.inspect(blend);

        assertThat(info.file()).isEqualTo(blend.toString());
        assertThat(info.denoiserAvailable()).isFalse(); // Debian's Blender 3.4.1
        assertThat(info.active()).isEqualTo(new SceneInfo("Scene", 3, 17, 1, 24.0, 80, 60, 50, "CYCLES", Optional.of(5),
                false, Optional.of("Camera"), true, "PNG"));
        assertThat(info.dependencies()).isEmpty();
    }

    @Test
    void reports_every_scene_and_the_active_one(@TempDir Path dir) throws Exception {
        BlendInfo info = inspector.inspect(LinkedScenes.twoScenes(dir));

        assertThat(info.scenes()).extracting(SceneInfo::name).containsExactlyInAnyOrder("Scene", "Second");
        assertThat(info.activeScene()).isEqualTo("Scene");
        assertThat(info.scene("Second").resolutionX()).isEqualTo(40);
        assertThat(info.scene("Second").samples()).contains(3);
    }

    @Test
    void linked_cube_links_basic_file() throws Exception {
        BlendInfo info = inspect("linked_cube.blend");

        assertThat(info.dependencies()).containsExactly(new Dependency("library", "//basic_file.blend",
                file("basic_file.blend"), List.of(file("basic_file.blend")), true, file("linked_cube.blend")));
    }

    @Test
    void geometry_nodes_file_lists_direct_and_indirect_libraries() throws Exception {
        BlendInfo info = inspect("geometry-nodes/file_to_pack.blend");

        assertThat(info.active().camera()).contains("Camera");
        assertThat(info.dependency("//object_lib.blend")).get().satisfies(d -> {
            assertThat(d.kind()).isEqualTo("library");
            assertThat(d.present()).isTrue();
            assertThat(d.owner()).isEqualTo(file("geometry-nodes/file_to_pack.blend"));
        });
        assertThat(info.dependency("//node_lib.blend")).get().satisfies(d -> {
            assertThat(d.absolute()).isEqualTo(file("geometry-nodes/node_lib.blend"));
            assertThat(d.present()).isTrue();
            assertThat(d.owner()).isEqualTo(file("geometry-nodes/object_lib.blend")); // indirect: linked by object_lib
        });
        assertThat(info.missing()).isEmpty();
    }

    @Test
    void doubly_linked_reports_its_missing_library() throws Exception {
        BlendInfo info = inspect("doubly_linked.blend");

        assertThat(info.missing()).extracting(Dependency::path).containsExactly("//material_textures.blend");
        assertThat(info.dependencies()).filteredOn(Dependency::present).extracting(Dependency::absolute)
                .containsExactlyInAnyOrder(file("linked_cube.blend"), file("basic_file.blend"));
    }

    @Test
    void indirect_library_paths_are_reported_as_their_parent_writes_them() throws Exception {
        BlendInfo info = inspect("subdir/doubly_linked_up.blend");

        assertThat(info.dependency("//../linked_cube.blend")).get().extracting(Dependency::present).isEqualTo(true);
        // linked_cube.blend (one folder up) writes "//basic_file.blend"; Blender shows it relative to the main file.
        assertThat(info.dependency("//basic_file.blend")).get().satisfies(d -> {
            assertThat(d.absolute()).isEqualTo(file("basic_file.blend"));
            assertThat(d.owner()).isEqualTo(file("linked_cube.blend"));
        });
        assertThat(info.missing()).extracting(Dependency::path).containsExactly("//../material_textures.blend");
    }

    @Test
    void missing_textures_reports_both_images() throws Exception {
        BlendInfo info = inspect("missing_textures.blend");

        assertThat(info.missing()).extracting(Dependency::kind, Dependency::path).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("image", "//textures/HDRI/Myanmar/Golden Palace 2, Old Bagan-1k.exr"),
                org.assertj.core.groups.Tuple.tuple("image", "//textures/Textures/Marble/marble_decoration-color.png"));
    }

    @Test
    void recursive_libraries_terminate() throws Exception {
        BlendInfo info = inspect("recursive_dependency_1.blend");

        assertThat(info.dependencies()).extracting(Dependency::absolute).containsExactly(file("recursive_dependency_2.blend"));
        assertThat(info.missing()).isEmpty();
    }

    @Test
    void baked_particle_cache_lives_in_the_implicit_blendcache_folder() throws Exception {
        BlendInfo info = inspect("T55539-particles/particle.blend");

        Dependency cache = info.dependency("//blendcache_particle/").orElseThrow();
        assertThat(cache.kind()).isEqualTo("cache");
        assertThat(cache.present()).isTrue();
        assertThat(cache.files()).hasSize(27).allMatch(f -> f.endsWith("_01.bphys"))
                .contains(file("T55539-particles/blendcache_particle/43756265_000250_01.bphys"));
        assertThat(info.dependency("//particle_cache/")).isEmpty(); // written in the file, never read by Blender
        assertThat(info.active().engine()).isEqualTo("BLENDER_EEVEE");
    }

    @Test
    void a_baked_disk_cache_without_its_files_is_missing() throws Exception {
        BlendInfo info = inspect("T53562/bam_pack_bug.blend");

        assertThat(info.missing()).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo("cache");
            assertThat(d.path()).isEqualTo("//blendcache_bam_pack_bug/");
            assertThat(d.files()).isEmpty();
        });
    }

    @Test
    void udim_lists_every_tile() throws Exception {
        BlendInfo info = inspect("udim/v01_UDIM_BAT_debugging.blend");

        Dependency udim = info.dependency("//cube_UDIM.color.<UDIM>.png").orElseThrow();
        assertThat(udim.kind()).isEqualTo("udim");
        assertThat(udim.present()).isTrue();
        assertThat(udim.files()).containsExactly(file("udim/cube_UDIM.color.1001.png"),
                file("udim/cube_UDIM.color.1002.png"), file("udim/cube_UDIM.color.1003.png"));
    }

    @Test
    void fonts_multires_and_ocean_caches() throws Exception {
        assertThat(inspect("with_font.blend").missing()).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo("font");
            assertThat(d.path()).isEqualTo("/usr/share/fonts/truetype/hack/Hack-Bold.ttf");
        });
        assertThat(inspect("multires_external.blend").dependencies()).containsExactly(new Dependency("multires",
                "//Cube.btx", file("Cube.btx"), List.of(file("Cube.btx")), true, file("multires_external.blend")));
        // The ocean modifier is set to read its baked cache, which is not there.
        assertThat(inspect("ocean_modifier.blend").missing()).extracting(Dependency::kind, Dependency::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ocean", "//cache_ocean"));
    }

    @Test
    void images_inside_a_linked_library_resolve_next_to_the_library(@TempDir Path dir) throws Exception {
        Path main = LinkedScenes.mainLinkingTexturedGround(dir);
        Path lib = dir.resolve("lib/scene.blend");

        BlendInfo info = inspector.inspect(main);

        assertThat(info.dependency("//../lib/scene.blend")).get().extracting(Dependency::present).isEqualTo(true);
        assertThat(info.dependency(TestScenes.TEXTURE_PATH)).get().satisfies(d -> {
            assertThat(d.kind()).isEqualTo("image");
            assertThat(d.owner()).isEqualTo(lib.toString());
            assertThat(d.absolute()).isEqualTo(dir.resolve("lib/textures/checker.png").toString());
            assertThat(d.present()).isTrue();
        });
    }

    @Test
    void corrupt_file_is_refused_with_one_clear_line() {
        assertThatThrownBy(() -> inspect("corrupt_only_magic.blend"))
                .isInstanceOf(BlendFileException.class)
                .hasMessageStartingWith("corrupt_only_magic.blend is not a readable .blend file (Blender: Failed to read blend file")
                .hasMessageEndingWith("re-save it from Blender or check the copy")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void text_file_named_blend_is_refused(@TempDir Path dir) throws Exception {
        Path fake = Files.writeString(dir.resolve("notes.blend"), "just some notes\n");

        assertThatThrownBy(() -> inspector.inspect(fake)).isInstanceOf(BlendFileException.class)
                .hasMessageStartingWith("notes.blend is not a .blend file");
    }

    @Test
    void missing_file_is_refused(@TempDir Path dir) {
        assertThatThrownBy(() -> inspector.inspect(dir.resolve("nope.blend"))).isInstanceOf(BlendFileException.class)
                .hasMessageStartingWith("nope.blend does not exist");
    }

    @Test
    void inspection_times_out_and_stops_blender() {
        BlenderInspector impatient = new BlenderInspector(TestBlender.get(),
                BlenderSettings.defaults().withInspectTimeout(Duration.ofMillis(150)));

        assertThatThrownBy(() -> impatient.inspect(BlendFiles.get("basic_file.blend")))
                .isInstanceOf(BlendFileException.class).hasMessageContaining("took longer than");
        assertThat(BlenderProcesses.children()).isEmpty();
    }
}
