package dev.sprocket.store;

import org.jdbi.v3.core.mapper.RowMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plain JDBC for the dispatch hot path (lease, complete, heartbeat). Per statement, Jdbi's own work — copying its
 * configuration, finding argument factories, statement events — cost several times what SQLite spends executing
 * it; at thousands of tasks a second that was most of the writer thread's time. The SQL is the same named-parameter
 * SQL the rest of the store uses, turned into positional SQL once.
 */
final class FastSql {
    private FastSql() {}

    /** A typed SQL NULL (PostgreSQL must know a parameter's type even when it is NULL). */
    enum Null {
        TEXT(Types.VARCHAR), BIGINT(Types.BIGINT), INTEGER(Types.INTEGER), DOUBLE(Types.DOUBLE);

        final int sqlType;

        Null(int sqlType) { this.sqlType = sqlType; }
    }

    static Object text(Optional<String> v) { return v.isPresent() ? v.get() : Null.TEXT; }
    static Object bigint(Optional<Long> v) { return v.isPresent() ? v.get() : Null.BIGINT; }
    static Object dbl(Optional<Double> v) { return v.isPresent() ? v.get() : Null.DOUBLE; }

    /** Named-parameter SQL ({@code :name}) as positional SQL and the name of each position. */
    record Named(String sql, List<String> names) {
        static Named of(String named) {
            StringBuilder out = new StringBuilder(named.length());
            List<String> names = new ArrayList<>();
            boolean quoted = false;
            for (int i = 0; i < named.length(); i++) {
                char c = named.charAt(i);
                if (c == '\'') quoted = !quoted;
                if (!quoted && c == ':' && i + 1 < named.length() && Character.isJavaIdentifierStart(named.charAt(i + 1))
                        && (i == 0 || named.charAt(i - 1) != ':')) {
                    int end = i + 1;
                    while (end < named.length() && Character.isJavaIdentifierPart(named.charAt(end))) end++;
                    names.add(named.substring(i + 1, end));
                    out.append('?');
                    i = end - 1;
                } else {
                    out.append(c);
                }
            }
            return new Named(out.toString(), List.copyOf(names));
        }

        /** Binds {@code args} (name, value, name, value, …) to every position. */
        void bind(PreparedStatement ps, Object... args) throws SQLException {
            for (int p = 0; p < names.size(); p++) {
                String name = names.get(p);
                Object value = null;
                boolean found = false;
                for (int a = 0; a < args.length; a += 2) {
                    if (args[a].equals(name)) {
                        value = args[a + 1];
                        found = true;
                        break;
                    }
                }
                if (!found) throw new IllegalArgumentException("no value for :" + name + " in " + sql);
                set(ps, p + 1, value);
            }
        }

        private static void set(PreparedStatement ps, int i, Object v) throws SQLException {
            switch (v) {
                case null -> ps.setNull(i, Types.VARCHAR);
                case Null n -> ps.setNull(i, n.sqlType);
                case String s -> ps.setString(i, s);
                case Integer n -> ps.setInt(i, n);
                case Long n -> ps.setLong(i, n);
                case Double d -> ps.setDouble(i, d);
                case Boolean b -> ps.setBoolean(i, b);
                default -> throw new IllegalArgumentException("cannot bind " + v.getClass().getSimpleName());
            }
        }
    }

    /** Where statements come from: kept open on a long-lived connection, or prepared and closed per use. */
    interface Statements {
        PreparedStatement prepare(String sql) throws SQLException;

        void done(PreparedStatement ps) throws SQLException;
    }

    static Statements perUse(Connection c) {
        return new Statements() {
            @Override public PreparedStatement prepare(String sql) throws SQLException { return c.prepareStatement(sql); }
            @Override public void done(PreparedStatement ps) throws SQLException { ps.close(); }
        };
    }

    /** Statements kept prepared on one connection that one thread uses (SQLite's writer). */
    static final class Cached implements Statements, AutoCloseable {
        private final Connection connection;
        private final Map<String, PreparedStatement> open = new HashMap<>();

        Cached(Connection connection) { this.connection = connection; }

        @Override public PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement ps = open.get(sql);
            if (ps == null) {
                ps = connection.prepareStatement(sql);
                open.put(sql, ps);
            }
            return ps;
        }

        @Override public void done(PreparedStatement ps) throws SQLException { ps.clearParameters(); }

        @Override public void close() {
            for (PreparedStatement ps : open.values()) {
                try {
                    ps.close();
                } catch (SQLException ignored) {
                    // the connection is going away
                }
            }
            open.clear();
        }
    }

    /** What to do with a bound statement. */
    private interface Use<T> {
        T with(PreparedStatement ps) throws SQLException;
    }

    /** Prepares (or reuses) the statement, binds {@code args}, uses it, and hands it back. */
    private static <T> T run(Statements st, Named sql, Object[] args, Use<T> use) {
        try {
            PreparedStatement ps = st.prepare(sql.sql());
            try {
                sql.bind(ps, args);
                return use.with(ps);
            } finally {
                st.done(ps);
            }
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    /** Runs an INSERT/UPDATE/DELETE; returns the rows changed. */
    static int update(Statements st, Named sql, Object... args) {
        return run(st, sql, args, PreparedStatement::executeUpdate);
    }

    /** The first row mapped, if any. */
    static <T> Optional<T> first(Statements st, Named sql, RowMapper<T> mapper, Object... args) {
        return run(st, sql, args, ps -> {
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(mapper.map(rs, null)) : Optional.<T>empty();
            }
        });
    }

    /** Every row mapped. */
    static <T> List<T> list(Statements st, Named sql, RowMapper<T> mapper, Object... args) {
        return run(st, sql, args, ps -> {
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) rows.add(mapper.map(rs, null));
            }
            return rows;
        });
    }

    private static RuntimeException failed(Named sql, SQLException e) {
        return new IllegalStateException("SQL failed: " + e.getMessage() + " [" + sql.sql() + "]", e);
    }
}
