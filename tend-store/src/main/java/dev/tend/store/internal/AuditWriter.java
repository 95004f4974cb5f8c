package dev.tend.store.internal;

import dev.tend.store.Ids;
import java.time.Instant;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Appends audit events on the handle of the change they describe, so both commit or neither does.
 * For the store's repositories; read events through {@code dev.tend.audit.AuditLog}.
 */
public final class AuditWriter {
  private AuditWriter() {}

  /** Appends one event; {@code projectId} may be null for events outside any project. */
  public static void append(
      Handle handle,
      Instant at,
      String actor,
      String action,
      String projectId,
      String target,
      Map<String, ?> details) {
    handle
        .createUpdate(
            "INSERT INTO audit_events (id, at, actor, action, project_id, target, details)"
                + " VALUES (:id, :at, :actor, :action, :project, :target, :details)")
        .bind("id", Ids.next())
        .bind("at", at.toEpochMilli())
        .bind("actor", actor)
        .bind("action", action)
        .bind("project", projectId)
        .bind("target", target)
        .bind("details", Json.object(details))
        .execute();
  }
}
