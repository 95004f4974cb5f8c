package dev.tend.server;

import static java.util.Objects.requireNonNull;

import dev.tend.idempotency.IdempotencyRepository;
import dev.tend.server.http.IdempotencyStore;

/*
 * The store keys by (principal, key) only. The request hash covers the method and path, so a key
 * reused on another route is a mismatch (422) rather than a second, independent key.
 */
final class StoreIdempotency implements IdempotencyStore {
  private final IdempotencyRepository keys;

  StoreIdempotency(IdempotencyRepository keys) {
    this.keys = requireNonNull(keys, "keys is null");
  }

  @Override
  public Reservation reserve(Key key, String requestHash) {
    return switch (keys.reserve(key.principal(), key.key(), requestHash)) {
      case dev.tend.idempotency.Reservation.Acquired a -> new Reservation.Acquired();
      case dev.tend.idempotency.Reservation.Replay r ->
          new Reservation.Replay(
              new StoredResponse(
                  r.response().status(),
                  r.response().contentType(),
                  r.response().body(),
                  r.response().headers()));
      case dev.tend.idempotency.Reservation.Mismatch m -> new Reservation.Mismatch();
      case dev.tend.idempotency.Reservation.InProgress p -> new Reservation.InProgress();
    };
  }

  @Override
  public void complete(Key key, String requestHash, StoredResponse response) {
    keys.complete(
        key.principal(),
        key.key(),
        new dev.tend.idempotency.StoredResponse(
            requestHash,
            response.status(),
            response.contentType(),
            response.body(),
            response.headers()));
  }

  @Override
  public void release(Key key) {
    keys.release(key.principal(), key.key());
  }
}
