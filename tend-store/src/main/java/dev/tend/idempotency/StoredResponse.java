package dev.tend.idempotency;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Map;

/**
 * The outcome of a write kept under an idempotency key: the hash of the request that made it (so a
 * different request with the same key can be refused) and the response to replay, with the headers
 * a replay must repeat (such as {@code Location}).
 */
public record StoredResponse(
    String requestSha256,
    int status,
    String contentType,
    byte[] body,
    Map<String, String> headers) {
  public StoredResponse {
    requireNonNull(requestSha256, "requestSha256 is null");
    requireNonNull(contentType, "contentType is null");
    body = body.clone();
    headers = Map.copyOf(headers);
    for (Map.Entry<String, String> header : headers.entrySet()) {
      if (header.getKey().isEmpty()
          || header.getKey().contains(":")
          || (header.getKey() + header.getValue()).chars().anyMatch(c -> c == '\r' || c == '\n')) {
        throw new IllegalArgumentException(
            "header '"
                + header.getKey()
                + "' must be a non-empty name without ':' and line breaks");
      }
    }
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredResponse r
        && requestSha256.equals(r.requestSha256)
        && status == r.status
        && contentType.equals(r.contentType)
        && Arrays.equals(body, r.body)
        && headers.equals(r.headers);
  }

  @Override
  public int hashCode() {
    return ((requestSha256.hashCode() * 31 + status) * 31 + contentType.hashCode()) * 31
        + Arrays.hashCode(body) * 31
        + headers.hashCode();
  }

  @Override
  public String toString() {
    return "StoredResponse[status=" + status + ", " + body.length + " bytes]";
  }
}
