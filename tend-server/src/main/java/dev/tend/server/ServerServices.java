package dev.tend.server;

import static java.util.Objects.requireNonNull;

import dev.tend.server.auth.Authorizer;
import dev.tend.server.auth.TokenVerifier;
import dev.tend.server.http.IdempotencyStore;

/**
 * What the server needs from the metadata store: tokens, roles and idempotency records. {@link
 * StoreServices} provides them from the real store.
 */
public record ServerServices(
    TokenVerifier tokens, Authorizer authorizer, IdempotencyStore idempotency) {
  public ServerServices {
    requireNonNull(tokens, "tokens is null");
    requireNonNull(authorizer, "authorizer is null");
    requireNonNull(idempotency, "idempotency is null");
  }
}
