package dev.tend.audit;

import static java.util.Objects.requireNonNull;

import dev.tend.store.Database;
import dev.tend.store.Page;
import dev.tend.store.internal.Pages;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

final class JdbiAuditLog implements AuditLog {
  private final Database database;

  JdbiAuditLog(Database database) {
    this.database = requireNonNull(database, "database is null");
  }

  @Override
  public Page<AuditEvent> list(Optional<String> projectId, Optional<String> cursor, int limit) {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(cursor, "cursor is null");
    Pages.checkLimit(limit);
    List<AuditEvent> rows =
        database.read(
            handle ->
                handle
                    .createQuery(
                        "SELECT id, at, actor, action, project_id, target, details"
                            + " FROM audit_events"
                            + " WHERE (:project IS NULL OR project_id = :project)"
                            + " AND (:cursor IS NULL OR id < :cursor)"
                            + " ORDER BY id DESC LIMIT :limit")
                    .bind("project", projectId.orElse(null))
                    .bind("cursor", cursor.orElse(null))
                    .bind("limit", limit + 1)
                    .map(
                        (rs, ctx) ->
                            new AuditEvent(
                                rs.getString("id"),
                                Instant.ofEpochMilli(rs.getLong("at")),
                                rs.getString("actor"),
                                rs.getString("action"),
                                Optional.ofNullable(rs.getString("project_id")),
                                rs.getString("target"),
                                rs.getString("details")))
                    .list());
    return Pages.of(rows, limit, AuditEvent::id);
  }
}
