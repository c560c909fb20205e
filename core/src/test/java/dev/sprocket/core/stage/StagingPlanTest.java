package dev.sprocket.core.stage;

import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.domain.Dependency;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StagingPlanTest {
    private static BlendInfo info(Dependency... deps) {
        return new BlendInfo("/p/shots/a.blend", "3.4.1", "3.4.1", "none", "Scene", List.of(), List.of(deps), false);
    }

    private static Dependency dep(String path, String abs, boolean present, String... files) {
        return new Dependency("image", path, abs, List.of(files), present, "/p/shots/a.blend");
    }

    @Test void rootIsTheBlendFolderWhenEverythingIsBelowIt() {
        StagingPlan plan = StagingPlan.of(Path.of("/p/shots/a.blend"),
                info(dep("//tex/wood.png", "/p/shots/tex/wood.png", true, "/p/shots/tex/wood.png")));
        assertThat(plan.root()).isEqualTo(Path.of("/p/shots"));
        assertThat(plan.mainBlend()).isEqualTo("a.blend");
        assertThat(plan.files()).containsEntry(Path.of("/p/shots/tex/wood.png"), "tex/wood.png");
        assertThat(plan.remaps()).isEmpty();
    }

    @Test void rootMovesUpForParentRelativePathsSoTheyKeepWorking() {
        StagingPlan plan = StagingPlan.of(Path.of("/p/shots/a.blend"),
                info(dep("//../lib/chars.blend", "/p/lib/chars.blend", true, "/p/lib/chars.blend")));
        assertThat(plan.root()).isEqualTo(Path.of("/p"));
        assertThat(plan.mainBlend()).isEqualTo("shots/a.blend");
        assertThat(plan.files().values()).containsExactly("shots/a.blend", "lib/chars.blend");
        assertThat(plan.remaps()).isEmpty();
    }

    @Test void absolutePathsAreStagedUnderExternalAndRemapped() {
        StagingPlan plan = StagingPlan.of(Path.of("/p/shots/a.blend"), info(
                dep("/usr/share/fonts/Hack.ttf", "/usr/share/fonts/Hack.ttf", true, "/usr/share/fonts/Hack.ttf"),
                dep("/p/shots/tex/abs.png", "/p/shots/tex/abs.png", true, "/p/shots/tex/abs.png")));
        assertThat(plan.root()).isEqualTo(Path.of("/p/shots"));
        assertThat(plan.remaps()).containsEntry("/usr/share/fonts/Hack.ttf", "_external/usr/share/fonts/Hack.ttf")
                .containsEntry("/p/shots/tex/abs.png", "tex/abs.png");
        assertThat(plan.files()).containsEntry(Path.of("/usr/share/fonts/Hack.ttf"), "_external/usr/share/fonts/Hack.ttf");
    }

    @Test void udimSetsRemapTheirPatternAndStageEveryTile() {
        StagingPlan plan = StagingPlan.of(Path.of("/p/shots/a.blend"), info(
                dep("/tex/c.<UDIM>.png", "/tex/c.<UDIM>.png", true, "/tex/c.1001.png", "/tex/c.1002.png")));
        assertThat(plan.remaps()).containsEntry("/tex/c.<UDIM>.png", "_external/tex/c.<UDIM>.png");
        assertThat(plan.files().values()).contains("_external/tex/c.1001.png", "_external/tex/c.1002.png");
    }

    @Test void missingDependenciesAreLeftOut() {
        StagingPlan plan = StagingPlan.of(Path.of("/p/shots/a.blend"),
                info(dep("//../../gone.png", "/gone.png", false)));
        assertThat(plan.root()).isEqualTo(Path.of("/p/shots"));
        assertThat(plan.files()).hasSize(1);
    }
}
