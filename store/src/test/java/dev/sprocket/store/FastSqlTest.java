package dev.sprocket.store;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FastSqlTest {
    @Test
    void namedParametersBecomePositionsInOrderAndQuotedTextIsLeftAlone() {
        FastSql.Named n = FastSql.Named.of("UPDATE t SET a = :a, b = ':not' WHERE c = :c AND d = CAST(:a AS TEXT) AND e::text = 'x'");
        assertThat(n.sql()).isEqualTo("UPDATE t SET a = ?, b = ':not' WHERE c = ? AND d = CAST(? AS TEXT) AND e::text = 'x'");
        assertThat(n.names()).isEqualTo(List.of("a", "c", "a"));
    }

    @Test
    void everyTransitionStatementOfTheStoreParsesToAsManyPositionsAsNames() {
        for (var event : dev.sprocket.core.domain.TaskEvent.values()) {
            if (event == dev.sprocket.core.domain.TaskEvent.LEASE || TaskTransitions.moves(event).isEmpty()) continue;
            FastSql.Named n = FastSql.Named.of(TaskTransitions.update(event, true));
            assertThat(n.sql().chars().filter(c -> c == '?').count()).isEqualTo(n.names().size());
            assertThat(n.names()).containsOnly("now", "job", "idx", "token");
        }
    }
}
