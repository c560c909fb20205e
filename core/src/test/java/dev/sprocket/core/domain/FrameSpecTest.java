package dev.sprocket.core.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameSpecTest {
    @Test void range() {
        assertThat(FrameSpec.parse("1-5").frames()).containsExactly(1, 2, 3, 4, 5);
    }

    @Test void rangeWithStep() {
        assertThat(FrameSpec.parse("1-10x3").frames()).containsExactly(1, 4, 7, 10);
        assertThat(FrameSpec.parse("1-240x2").size()).isEqualTo(120);
    }

    @Test void list() {
        assertThat(FrameSpec.parse("2,3,5,7").frames()).containsExactly(2, 3, 5, 7);
    }

    @Test void reverse() {
        assertThat(FrameSpec.parse("10-1").frames()).containsExactly(10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
        assertThat(FrameSpec.parse("10-1x4").frames()).containsExactly(10, 6, 2);
    }

    @Test void mixedListKeepsOrderAndAllowsSpaces() {
        assertThat(FrameSpec.parse(" 1-3, 10 , 20-16x2 ").frames()).containsExactly(1, 2, 3, 10, 20, 18, 16);
    }

    @Test void singleFrameAndZero() {
        assertThat(FrameSpec.parse("0").frames()).containsExactly(0);
        assertThat(FrameSpec.parse("7-7").frames()).containsExactly(7);
    }

    @Test void largestAllowedFrame() {
        assertThat(FrameSpec.parse(String.valueOf(FrameSpec.MAX_FRAME)).frames()).containsExactly(FrameSpec.MAX_FRAME);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "5-1x0|step in '5-1x0' must be at least 1",
            "abc|'abc' is not a valid frame spec",
            "1-999999999|outside 0-1048574",
            "1048575|outside 0-1048574",
            "99999999999999999999|outside 0-1048574",
            "1-5,3|frame 3 appears more than once",
            "4,4|frame 4 appears more than once",
            "1,,2|empty part between commas",
            "1-|not a whole number",
            "-5|not a whole number",
            "1-3x|not a whole number",
            "7x2|has a step but no range",
            "1-5x-1|not a whole number",
            "0-200000|has 200001 frames",
            "1.5|not a whole number",
    })
    void rejectsWithAMessageNamingTheProblem(String spec, String message) {
        assertThatThrownBy(() -> FrameSpec.parse(spec))
                .isInstanceOf(InvalidFrameSpecException.class)
                .hasMessageContaining(message);
    }

    @Test void emptyAndBlankAreRejected() {
        assertThatThrownBy(() -> FrameSpec.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> FrameSpec.parse("   ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> FrameSpec.parse(null)).hasMessageContaining("empty");
    }

    @Test void tooManyFramesAcrossParts() {
        String spec = "0-60000,60001-120000";
        assertThatThrownBy(() -> FrameSpec.parse(spec)).hasMessageContaining("more than " + FrameSpec.MAX_FRAMES);
    }

    @Test void chunksKeepOrderAndCoverEveryFrameOnce() {
        FrameSpec spec = FrameSpec.parse("1-10");
        assertThat(spec.chunks(4)).containsExactly(List.of(1, 2, 3, 4), List.of(5, 6, 7, 8), List.of(9, 10));
        assertThat(spec.chunks(1)).hasSize(10);
        assertThat(spec.chunks(100)).containsExactly(IntStream.rangeClosed(1, 10).boxed().toList());
        assertThatThrownBy(() -> spec.chunks(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test void rangeFactoryMatchesParse() {
        assertThat(FrameSpec.range(1, 24, 1)).isEqualTo(FrameSpec.parse("1-24"));
        assertThat(FrameSpec.range(5, 5, 1).frames()).containsExactly(5);
        assertThat(FrameSpec.range(1, 9, 4).frames()).containsExactly(1, 5, 9);
        assertThat(FrameSpec.of(List.of(3, 1, 2)).frames()).containsExactly(3, 1, 2);
    }
}
