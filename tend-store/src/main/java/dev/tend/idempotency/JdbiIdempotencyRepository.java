package dev.tend.idempotency;

import static java.util.Objects.requireNonNull;

import dev.tend.store.Database;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

final class JdbiIdempotencyRepository implements IdempotencyRepository {
  private static final int MAX_KEY_LENGTH = 255;

  private final Database database;

  JdbiIdempotencyRepository(Database database) {
    this.database = requireNonNull(database, "database is null");
  }

  @Override
  public Optional<StoredResponse> find(String principalId, String key) {
    requireNonNull(principalId, "principalId is null");
    checkKey(key);
    return database.read(handle -> select(handle, principalId, key));
  }

  private static Optional<StoredResponse> select(Handle handle, String principalId, String key) {
    return handle
        .createQuery(
            "SELECT request_sha256, response_status, response_body FROM idempotency_keys"
                + " WHERE principal_id = :principal AND idem_key = :key")
        .bind("principal", principalId)
        .bind("key", key)
        .map(
            (rs, ctx) ->
                new StoredResponse(
                    rs.getString("request_sha256"),
                    rs.getInt("response_status"),
                    rs.getString("response_body")))
        .findOne();
  }

  @Override
  public StoredResponse putIfAbsent(String principalId, String key, StoredResponse response) {
    requireNonNull(principalId, "principalId is null");
    checkKey(key);
    requireNonNull(response, "response is null");
    return database.write(
        handle -> {
          handle
              .createUpdate(
                  "INSERT INTO idempotency_keys (principal_id, idem_key, request_sha256,"
                      + " response_status, response_body, created_at)"
                      + " VALUES (:principal, :key, :hash, :status, :body, :at)"
                      + " ON CONFLICT (principal_id, idem_key) DO NOTHING")
              .bind("principal", principalId)
              .bind("key", key)
              .bind("hash", response.requestSha256())
              .bind("status", response.status())
              .bind("body", response.body())
              .bind("at", database.now().toEpochMilli())
              .execute();
          return select(handle, principalId, key).orElseThrow();
        });
  }

  @Override
  public int expire(Duration olderThan) {
    requireNonNull(olderThan, "olderThan is null");
    long cutoff = database.now().minus(olderThan).toEpochMilli();
    return database.write(
        handle ->
            handle
                .createUpdate("DELETE FROM idempotency_keys WHERE created_at < :cutoff")
                .bind("cutoff", cutoff)
                .execute());
  }

  private static void checkKey(String key) {
    requireNonNull(key, "key is null");
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "idempotency key must be 1 to " + MAX_KEY_LENGTH + " characters, got " + key.length());
    }
  }
}
