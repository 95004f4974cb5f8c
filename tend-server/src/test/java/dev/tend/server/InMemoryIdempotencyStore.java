package dev.tend.server;

import dev.tend.server.http.IdempotencyStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Idempotency records in a map, standing in for the metadata store in tests. */
public final class InMemoryIdempotencyStore implements IdempotencyStore {
  private record Entry(String hash, StoredResponse response) {}

  private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

  @Override
  public Reservation reserve(Key key, String requestHash) {
    Entry existing = entries.putIfAbsent(key, new Entry(requestHash, null));
    if (existing == null) {
      return new Reservation.Acquired();
    }
    if (!existing.hash().equals(requestHash)) {
      return new Reservation.Mismatch();
    }
    return existing.response() == null
        ? new Reservation.InProgress()
        : new Reservation.Replay(existing.response());
  }

  @Override
  public void complete(Key key, String requestHash, StoredResponse response) {
    entries.computeIfPresent(key, (k, e) -> new Entry(e.hash(), response));
  }

  @Override
  public void release(Key key) {
    entries.remove(key);
  }
}
