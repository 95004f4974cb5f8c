package dev.tend.idempotency;

import static java.util.Objects.requireNonNull;

/** What {@link IdempotencyRepository#reserve} found for a key. */
public sealed interface Reservation {
  /** The key was free and is now held, in progress, for this request: run it. */
  record Acquired() implements Reservation {}

  /** The same request already completed: answer with its response again. */
  record Replay(StoredResponse response) implements Reservation {
    public Replay {
      requireNonNull(response, "response is null");
    }
  }

  /** The key was used for a request with a different hash. */
  record Mismatch() implements Reservation {}

  /** The same request holds the key and has not completed yet. */
  record InProgress() implements Reservation {}
}
