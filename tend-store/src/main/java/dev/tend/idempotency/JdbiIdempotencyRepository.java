package dev.tend.idempotency;

import static java.util.Objects.requireNonNull;

import dev.tend.store.ConflictException;
import dev.tend.store.Database;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;

/*
 * Atomicity rests on the primary key: reserve inserts with ON CONFLICT DO NOTHING and reads the row
 * back in the same transaction. On SQLite write transactions begin IMMEDIATE, so they queue; on
 * PostgreSQL the insert waits for a concurrent insert of the same key to commit, and the read that
 * follows (a new statement under READ COMMITTED) sees the winner's row.
 */
final class JdbiIdempotencyRepository implements IdempotencyRepository {
  private static final int MAX_KEY_LENGTH = 255;

  private final Database database;

  JdbiIdempotencyRepository(Database database) {
    this.database = requireNonNull(database, "database is null");
  }

  /** A row as kept: the request's hash and, once completed, its response. */
  private record Row(String requestSha256, Optional<StoredResponse> response) {}

  @Override
  public Optional<StoredResponse> find(String principalId, String key) {
    requireNonNull(principalId, "principalId is null");
    checkKey(key);
    return database.read(handle -> select(handle, principalId, key)).flatMap(Row::response);
  }

  private static Optional<Row> select(Handle handle, String principalId, String key) {
    return handle
        .createQuery(
            "SELECT request_sha256, response_status, response_content_type, response_headers,"
                + " response_body, completed_at FROM idempotency_keys"
                + " WHERE principal_id = :principal AND idem_key = :key")
        .bind("principal", principalId)
        .bind("key", key)
        .map(
            (rs, ctx) -> {
              String hash = rs.getString("request_sha256");
              rs.getLong("completed_at");
              if (rs.wasNull()) {
                return new Row(hash, Optional.empty());
              }
              return new Row(
                  hash,
                  Optional.of(
                      new StoredResponse(
                          hash,
                          rs.getInt("response_status"),
                          rs.getString("response_content_type"),
                          rs.getBytes("response_body"),
                          parseHeaders(rs.getString("response_headers")))));
            })
        .findOne();
  }

  @Override
  public Reservation reserve(String principalId, String key, String requestSha256) {
    requireNonNull(principalId, "principalId is null");
    checkKey(key);
    requireNonNull(requestSha256, "requestSha256 is null");
    return database.write(
        handle -> {
          int inserted =
              handle
                  .createUpdate(
                      "INSERT INTO idempotency_keys (principal_id, idem_key, request_sha256,"
                          + " created_at) VALUES (:principal, :key, :hash, :at)"
                          + " ON CONFLICT (principal_id, idem_key) DO NOTHING")
                  .bind("principal", principalId)
                  .bind("key", key)
                  .bind("hash", requestSha256)
                  .bind("at", database.now().toEpochMilli())
                  .execute();
          if (inserted == 1) {
            return new Reservation.Acquired();
          }
          Row row = select(handle, principalId, key).orElseThrow();
          if (!row.requestSha256().equals(requestSha256)) {
            return new Reservation.Mismatch();
          }
          return row.response()
              .<Reservation>map(Reservation.Replay::new)
              .orElseGet(Reservation.InProgress::new);
        });
  }

  @Override
  public void complete(String principalId, String key, StoredResponse response) {
    requireNonNull(principalId, "principalId is null");
    checkKey(key);
    requireNonNull(response, "response is null");
    int updated =
        database.write(
            handle ->
                handle
                    .createUpdate(
                        "UPDATE idempotency_keys SET response_status = :status,"
                            + " response_content_type = :type, response_headers = :headers,"
                            + " response_body = :body, completed_at = :at"
                            + " WHERE principal_id = :principal AND idem_key = :key"
                            + " AND request_sha256 = :hash AND completed_at IS NULL")
                    .bind("status", response.status())
                    .bind("type", response.contentType())
                    .bind("headers", formatHeaders(response.headers()))
                    .bind("body", response.body())
                    .bind("at", database.now().toEpochMilli())
                    .bind("principal", principalId)
                    .bind("key", key)
                    .bind("hash", response.requestSha256())
                    .execute());
    if (updated != 1) {
      throw new ConflictException(
          "idempotency key '"
              + key
              + "' is not held in progress for this request (released, expired or completed)");
    }
  }

  @Override
  public void release(String principalId, String key) {
    requireNonNull(principalId, "principalId is null");
    checkKey(key);
    database.write(
        handle ->
            handle
                .createUpdate(
                    "DELETE FROM idempotency_keys WHERE principal_id = :principal"
                        + " AND idem_key = :key AND completed_at IS NULL")
                .bind("principal", principalId)
                .bind("key", key)
                .execute());
  }

  @Override
  public StoredResponse putIfAbsent(String principalId, String key, StoredResponse response) {
    requireNonNull(response, "response is null");
    return switch (reserve(principalId, key, response.requestSha256())) {
      case Reservation.Acquired acquired -> {
        complete(principalId, key, response);
        yield response;
      }
      case Reservation.Replay replay -> replay.response();
      case Reservation.Mismatch mismatch ->
          database
              .read(handle -> select(handle, principalId, key))
              .flatMap(Row::response)
              .orElseThrow(() -> inProgress(key));
      case Reservation.InProgress inProgress -> throw inProgress(key);
    };
  }

  private static ConflictException inProgress(String key) {
    return new ConflictException("idempotency key '" + key + "' is held by a request in progress");
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

  private static String formatHeaders(Map<String, String> headers) {
    StringBuilder out = new StringBuilder();
    new TreeMap<>(headers)
        .forEach((name, value) -> out.append(name).append(": ").append(value).append('\n'));
    return out.toString();
  }

  private static Map<String, String> parseHeaders(String text) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (text != null) {
      for (String line : text.split("\n")) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.put(line.substring(0, colon), line.substring(colon + 1).strip());
        }
      }
    }
    return headers;
  }

  private static void checkKey(String key) {
    requireNonNull(key, "key is null");
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "idempotency key must be 1 to " + MAX_KEY_LENGTH + " characters, got " + key.length());
    }
  }
}
