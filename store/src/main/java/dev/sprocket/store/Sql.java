package dev.sprocket.store;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

import dev.sprocket.core.domain.TaskState;

/** SQL text built from enums. Enum constant names are plain identifiers, so quoting them is safe. */
final class Sql {
    /** States in which a worker holds the task (and it has a worker and an expiry). */
    static final Set<TaskState> ACTIVE = Collections.unmodifiableSet(EnumSet.copyOf(
            Arrays.stream(TaskState.values()).filter(TaskState::active).toList()));

    private Sql() {}

    static String literal(Enum<?> value) {
        return "'" + value.name() + "'";
    }

    /** {@code ('A', 'B')}; never empty (callers check first), since {@code IN ()} is not valid SQL everywhere. */
    static String in(Collection<? extends Enum<?>> values) {
        if (values.isEmpty()) throw new IllegalArgumentException("empty IN list");
        return values.stream().map(Sql::literal).collect(Collectors.joining(", ", "(", ")"));
    }
}
