package dev.tend.idempotency;

import dev.tend.store.Database;
import java.time.Duration;
import java.util.Optional;

/**
 * Responses of writes kept by (principal, idempotency key), so a retried request is answered with
 * the first response instead of being applied twice. A request {@link #reserve reserves} its key
 * before it runs, then {@link #complete completes} it with its response or {@link #release
 * releases} it when it failed; {@link #putIfAbsent} does both steps at once for a response already
 * known. Thread-safe, and atomic across processes sharing the database.
 */
public interface IdempotencyRepository {

  /** The idempotency keys of {@code database}. */
  static IdempotencyRepository of(Database database) {
    return new JdbiIdempotencyRepository(database);
  }

  /** The completed response kept for {@code key} of {@code principalId}. */
  Optional<StoredResponse> find(String principalId, String key);

  /**
   * Holds {@code key} for a request with hash {@code requestSha256} unless it is held already: one
   * of concurrent callers gets {@link Reservation.Acquired}, the others what the holder's row says.
   */
  Reservation reserve(String principalId, String key, String requestSha256);

  /**
   * Keeps {@code response} for a key this caller {@link #reserve reserved}.
   *
   * @throws dev.tend.store.ConflictException when the key is not held in progress with the
   *     response's request hash (released, expired, completed, or held for another request)
   */
  void complete(String principalId, String key, StoredResponse response);

  /** Frees a key that is still in progress, so the request may be retried; else does nothing. */
  void release(String principalId, String key);

  /**
   * Keeps {@code response} under {@code key} unless one is kept already, and returns the one that
   * is kept: {@code response} when this call stored it, else the earlier one.
   *
   * @throws dev.tend.store.ConflictException when the key is held by a request in progress
   */
  StoredResponse putIfAbsent(String principalId, String key, StoredResponse response);

  /** Forgets keys, completed or not, reserved longer than {@code olderThan}; returns how many. */
  int expire(Duration olderThan);
}
