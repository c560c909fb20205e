package dev.sprocket.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameListCodecTest {
    private static final long SEED = 42;
    private static final int ROUNDS = 500;

    @Test
    void writesRunsCompactly() {
        assertThat(FrameListCodec.encode(List.of(7))).isEqualTo("7");
        assertThat(FrameListCodec.encode(IntStream.rangeClosed(1, 10).boxed().toList())).isEqualTo("1-10");
        assertThat(FrameListCodec.encode(List.of(1, 2))).isEqualTo("1,2");
        assertThat(FrameListCodec.encode(List.of(10, 9, 8))).isEqualTo("10-8");
        assertThat(FrameListCodec.encode(List.of(1, 2, 3, 5, 7, 9, 20))).isEqualTo("1-3,5-9x2,20");
        assertThat(FrameListCodec.encode(List.of(30, 27, 24, 0))).isEqualTo("30-24x3,0");
    }

    @Test
    void anyValidListSurvivesExactly() {
        Random random = new Random(SEED);
        for (int round = 0; round < ROUNDS; round++) {
            List<Integer> pool = new ArrayList<>(IntStream.range(0, 60).boxed().toList());
            if (random.nextBoolean()) Collections.shuffle(pool, random);
            if (random.nextBoolean()) Collections.reverse(pool);
            List<Integer> frames = pool.subList(0, 1 + random.nextInt(pool.size()));
            assertThat(FrameListCodec.decode(FrameListCodec.encode(frames))).isEqualTo(frames);
        }
    }

    @Test
    void rejectsWhatIsNoFrameList() {
        assertThatThrownBy(() -> FrameListCodec.encode(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FrameListCodec.encode(List.of(1, 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than once");
        assertThatThrownBy(() -> FrameListCodec.encode(List.of(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
