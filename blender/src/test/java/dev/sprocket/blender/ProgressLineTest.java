package dev.sprocket.blender;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ProgressLineTest {
    static final String CYCLES = "Fra:12 Mem:10.35M (Peak 10.94M) | Time:00:00.06 | Remaining:00:00.01 | Mem:0.97M, Peak:0.97M | Scene, ViewLayer | Sample 40/128";
    static final String CYCLES_STAGE = "Fra:3 Mem:9.71M (Peak 10.94M) | Time:00:00.05 | Mem:0.01M, Peak:0.01M | Scene, ViewLayer | Updating Scene BVH | Building BVH";
    static final String EEVEE = "Fra:3 Mem:11.28M (Peak 12.31M) | Time:00:02.17 | Rendering 1 / 8 samples";
    static final String EEVEE_STAGE = "Fra:3 Mem:11.21M (Peak 12.31M) | Time:00:01.80 | Syncing Monkey";

    @Test
    void describes_samples_and_stages() {
        assertThat(ProgressLine.describe(CYCLES)).contains("frame 12, sample 40/128");
        assertThat(ProgressLine.describe(EEVEE)).contains("frame 3, sample 1/8");
        assertThat(ProgressLine.describe(CYCLES_STAGE)).contains("frame 3, Updating Scene BVH | Building BVH");
        assertThat(ProgressLine.describe(EEVEE_STAGE)).contains("frame 3, Syncing Monkey");
        assertThat(ProgressLine.describe("Saved: '/tmp/x/frame_0003.png'")).isEmpty();
        assertThat(ProgressLine.frame("Fra:-5 Mem:1.00M (Peak 1.00M) | Time:00:00.01 | Syncing")).contains(-5);
    }

    @Test
    void peak_memory_adds_blenders_and_the_engines() {
        assertThat(ProgressLine.peakBytes(CYCLES).getAsLong()).isCloseTo((long) ((10.94 + 0.97) * 1024 * 1024), within(2L));
        assertThat(ProgressLine.peakBytes(EEVEE).getAsLong()).isCloseTo((long) (12.31 * 1024 * 1024), within(2L));
        assertThat(ProgressLine.peakBytes("Read blend: /x.blend")).isEmpty();
    }
}
