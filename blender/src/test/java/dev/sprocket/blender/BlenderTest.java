package dev.sprocket.blender;

import dev.sprocket.blender.testing.TestBlender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BlenderTest {
    @Test
    void finds_blender_on_the_path_and_reports_its_version() {
        Blender b = Blender.locate(Map.of("PATH", "/nonexistent:" + TestBlender.get().executable().getParent()));
        assertThat(b.executable()).isEqualTo(TestBlender.get().executable());
        assertThat(b.version()).matches("\\d+\\.\\d+(\\.\\d+)?");
    }

    @Test
    void sprocket_blender_wins_over_the_path() {
        String exe = TestBlender.get().executable().toString();
        assertThat(Blender.locate(Map.of(Blender.ENV, exe, "PATH", "")).executable().toString()).isEqualTo(exe);
    }

    @Test
    void says_what_to_do_when_blender_is_missing(@TempDir Path empty) {
        assertThatThrownBy(() -> Blender.locate(Map.of("PATH", empty.toString())))
                .isInstanceOf(BlenderUnavailableException.class)
                .hasMessage("Blender not found: install it (Debian: apt-get install blender) or set SPROCKET_BLENDER=/path/to/blender");
        assertThatThrownBy(() -> Blender.locate(Map.of(Blender.ENV, empty.resolve("blender").toString())))
                .isInstanceOf(BlenderUnavailableException.class)
                .hasMessageStartingWith("SPROCKET_BLENDER=" + empty.resolve("blender") + " is not an executable file");
    }

    @Test
    void command_disables_the_files_python_unless_allowed() {
        Blender b = TestBlender.get();
        assertThat(b.command(false)).containsExactly(b.executable().toString(), "-b", "-Y");
        assertThat(b.command(true)).containsExactly(b.executable().toString(), "-b", "-y");
    }
}
