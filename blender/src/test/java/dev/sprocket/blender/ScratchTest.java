package dev.sprocket.blender;

import dev.sprocket.blender.testing.*;
import dev.sprocket.core.domain.*;
import dev.sprocket.core.port.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import java.util.*;

class ScratchTest {
    @Test
    void smoke(@TempDir Path dir) throws Exception {
        Path heavy = TestScenes.cycles().heavy().create(dir.resolve("h/scene.blend"));
        Path eevee = TestScenes.eevee().texture(true).create(dir.resolve("e/scene.blend"));
        RenderSettings rs = RenderSettings.defaults(OutputFormat.PNG);
        for (Path blend : List.of(heavy, eevee)) {
        long t0 = System.nanoTime();
        try (RenderSession s = new BlenderRenderer(TestBlender.get(), BlenderSettings.defaults()).open(new SessionSpec(blend, "", rs, Map.of(), 2))) {
            System.out.println("open " + (System.nanoTime()-t0)/1e9);
            for (List<Integer> frames : List.of(List.of(1), List.of(3,4), List.of(9,2))) {
                long t1 = System.nanoTime();
                RenderResult r = s.render(frames, blend.resolveSibling("out"), RenderListener.NONE);
                System.out.println(frames + " " + (System.nanoTime()-t1)/1e9 + " peak=" + r.peakMemoryBytes() + " secs=" + r.renderSeconds());
            }
        }
        for (int f : List.of(1, 2, 4)) {
            long t1 = System.nanoTime();
            Path ref = ReferenceRender.render(blend, "", f, rs, 2, blend.resolveSibling("ref"));
            System.out.println("ref " + f + " " + (System.nanoTime()-t1)/1e9);
            Pixels.assertIdentical(ref, blend.resolveSibling("out").resolve(rs.outputFormat().fileName(f)));
        }
        }
    }
}
