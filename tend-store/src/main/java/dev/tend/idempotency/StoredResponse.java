package dev.tend.idempotency;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of a write kept under an idempotency key: the hash of the request that made it (so a
 * different request with the same key can be refused) and the response to replay.
 */
public record StoredResponse(String requestSha256, int status, String body) {
  public StoredResponse {
    requireNonNull(requestSha256, "requestSha256 is null");
    requireNonNull(body, "body is null");
  }
}
