package dev.tend.server.http;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Map;

/**
 * Remembers the outcome of requests sent with an {@code Idempotency-Key} header, so that a retry
 * gets the first response instead of doing the work twice.
 *
 * <p>The protocol has two steps so that two concurrent requests with one key cannot both run: the
 * server {@link #reserve reserves} the key with the request's hash before running the handler, then
 * {@link #complete completes} it with the response, or {@link #release releases} it when the
 * handler failed so that the client may retry. Implementations must make {@code reserve} atomic
 * (put-if-absent), be thread-safe, and may forget completed keys after a retention period (24 hours
 * is usual).
 */
public interface IdempotencyStore {
  Reservation reserve(Key key, String requestHash);

  /** Keeps {@code response} for a key reserved with {@code requestHash}. */
  void complete(Key key, String requestHash, StoredResponse response);

  void release(Key key);

  /**
   * A client's key, scoped to who sent it and where, so that clients cannot see each other's
   * responses.
   *
   * @param principal the principal's id, or {@code anonymous}
   * @param method the HTTP method
   * @param path the request path
   * @param key the {@code Idempotency-Key} header value
   */
  record Key(String principal, String method, String path, String key) {
    public Key {
      requireNonNull(principal, "principal is null");
      requireNonNull(method, "method is null");
      requireNonNull(path, "path is null");
      requireNonNull(key, "key is null");
    }
  }

  /** The response replayed for a repeated request. */
  record StoredResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
    public StoredResponse {
      requireNonNull(contentType, "contentType is null");
      body = body.clone();
      headers = Map.copyOf(headers);
    }

    @Override
    public byte[] body() {
      return body.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof StoredResponse r
          && status == r.status
          && contentType.equals(r.contentType)
          && Arrays.equals(body, r.body)
          && headers.equals(r.headers);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * (31 * status + contentType.hashCode()) + Arrays.hashCode(body))
          + headers.hashCode();
    }

    @Override
    public String toString() {
      return "StoredResponse[status=" + status + ", " + body.length + " bytes]";
    }
  }

  /** What {@link #reserve} found. */
  sealed interface Reservation {
    /** The key was free and is now held for this request: run the handler. */
    record Acquired() implements Reservation {}

    /** The same request already completed: send its response again. */
    record Replay(StoredResponse response) implements Reservation {
      public Replay {
        requireNonNull(response, "response is null");
      }
    }

    /** The key was used for a different request: refuse. */
    record Mismatch() implements Reservation {}

    /** The same key is held by a request that has not finished: refuse for now. */
    record InProgress() implements Reservation {}
  }
}
