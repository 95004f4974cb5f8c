package dev.tend.server.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.server.auth.Authorizer;
import dev.tend.server.auth.TokenVerifier;

/**
 * What the API plumbing needs at request time: the JSON mapper, the body limit, and the auth and
 * idempotency services. Shared by all requests; every part is thread-safe.
 */
public record ApiSettings(
    ObjectMapper mapper,
    long maxRequestBodyBytes,
    boolean anonymousReads,
    TokenVerifier tokens,
    Authorizer authorizer,
    IdempotencyStore idempotency) {
  public ApiSettings {
    requireNonNull(mapper, "mapper is null");
    requireNonNull(tokens, "tokens is null");
    requireNonNull(authorizer, "authorizer is null");
    requireNonNull(idempotency, "idempotency is null");
    if (maxRequestBodyBytes < 1) {
      throw new IllegalArgumentException("maxRequestBodyBytes must be positive");
    }
  }
}
