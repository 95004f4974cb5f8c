package dev.tend.idempotency;

import dev.tend.store.Database;
import java.time.Duration;
import java.util.Optional;

/**
 * Responses of writes kept by (principal, idempotency key), so a retried request is answered with
 * the first response instead of being applied twice. Thread-safe.
 */
public interface IdempotencyRepository {

  /** The idempotency keys of {@code database}. */
  static IdempotencyRepository of(Database database) {
    return new JdbiIdempotencyRepository(database);
  }

  /** The response kept for {@code key} of {@code principalId}. */
  Optional<StoredResponse> find(String principalId, String key);

  /**
   * Keeps {@code response} under {@code key} unless one is kept already, and returns the one that
   * is kept: {@code response} when this call stored it, else the earlier one.
   */
  StoredResponse putIfAbsent(String principalId, String key, StoredResponse response);

  /** Forgets responses kept longer than {@code olderThan}; returns how many. */
  int expire(Duration olderThan);
}
