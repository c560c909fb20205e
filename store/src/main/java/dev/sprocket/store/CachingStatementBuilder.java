package dev.sprocket.store;

import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Keeps prepared statements open for one long-lived connection and hands the same one out again for the same SQL.
 * sqlite-jdbc has no statement cache, and preparing (parsing and planning) the dispatch statements again on every
 * call was a large share of a lease or a completion. A statement still in use (a result being read while the same
 * SQL runs again) is never handed out twice: the second user gets a fresh one, closed as usual.
 * <p>Only for a connection used by one thread at a time (the SQLite writer's).
 */
final class CachingStatementBuilder implements StatementBuilder {
    /** More distinct SQL strings than the store has: past this, statements are simply not cached. */
    static final int MAX_CACHED = 256;

    private final StatementBuilder plain = new DefaultStatementBuilder();
    private final Map<String, PreparedStatement> cached = new HashMap<>();
    private final Set<Statement> inUse = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

    @Override public Statement create(Connection conn, StatementContext ctx) throws SQLException {
        return plain.create(conn, ctx);
    }

    @Override public PreparedStatement create(Connection conn, String sql, StatementContext ctx) throws SQLException {
        PreparedStatement stmt = cached.get(sql);
        if (stmt != null && !inUse.contains(stmt) && !stmt.isClosed()) {
            stmt.clearParameters();
            inUse.add(stmt);
            return stmt;
        }
        PreparedStatement fresh = plain.create(conn, sql, ctx);
        if (stmt == null && cached.size() < MAX_CACHED) {
            cached.put(sql, fresh);
            inUse.add(fresh);
        }
        return fresh;
    }

    @Override public CallableStatement createCall(Connection conn, String sql, StatementContext ctx) throws SQLException {
        return plain.createCall(conn, sql, ctx);
    }

    @Override public void close(Connection conn, String sql, Statement stmt) throws SQLException {
        if (stmt == null) return;
        if (sql != null && cached.get(sql) == stmt) {
            inUse.remove(stmt);
            stmt.clearBatch();
            return;
        }
        plain.close(conn, sql, stmt);
    }

    @Override public void close(Connection conn) {
        for (PreparedStatement stmt : cached.values()) {
            try {
                stmt.close();
            } catch (SQLException ignored) {
                // the connection is being closed anyway
            }
        }
        cached.clear();
        inUse.clear();
    }
}
