package dev.tend.audit;

import dev.tend.store.Database;
import dev.tend.store.Page;
import java.util.Optional;

/**
 * Reads the append-only audit log. Events are written by the repositories in the transaction of the
 * change they describe, never through this interface. Thread-safe.
 */
public interface AuditLog {

  /** The audit log of {@code database}. */
  static AuditLog of(Database database) {
    return new JdbiAuditLog(database);
  }

  /**
   * Events newest first, of one project when {@code projectId} is present, else of all; {@code
   * cursor} is the {@link Page#nextCursor()} of the previous page.
   */
  Page<AuditEvent> list(Optional<String> projectId, Optional<String> cursor, int limit);
}
