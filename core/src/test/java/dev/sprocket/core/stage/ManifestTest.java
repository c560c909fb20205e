package dev.sprocket.core.stage;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestTest {
    private static final String SHA = "a".repeat(64);

    @Test void roundTripsPathsWithSpacesTabsAndUnicode() {
        Manifest m = new Manifest("shots/my shot.blend",
                List.of(new ManifestEntry("shots/my shot.blend", SHA, 12), new ManifestEntry("tex/t\tab ü.png", "b".repeat(64), 3)),
                Map.of("/home/me/fonts/Hack Bold.ttf", "_external/home/me/fonts/Hack Bold.ttf"));
        assertThat(Manifest.decode(m.encode())).isEqualTo(m);
        assertThat(m.totalBytes()).isEqualTo(15);
    }

    @Test void refusesPathsThatEscapeTheJobDirectory() {
        for (String bad : List.of("../x.png", "/etc/passwd", "a/../../b", "C:/x", "a\\b", "a//b", "./a")) {
            assertThatThrownBy(() -> new Manifest("main.blend", List.of(new ManifestEntry(bad, SHA, 1)), Map.of()))
                    .as(bad).hasMessageContaining("relative");
        }
    }

    @Test void rejectsSomethingThatIsNotAManifest() {
        assertThatThrownBy(() -> Manifest.decode("hello")).hasMessageContaining("not a sprocket manifest");
        assertThatThrownBy(() -> Manifest.decode("sprocket-manifest 1\n")).hasMessageContaining("no main");
    }
}
