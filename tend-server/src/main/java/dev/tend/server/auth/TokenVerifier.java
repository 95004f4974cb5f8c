package dev.tend.server.auth;

import dev.tend.access.Principal;
import java.util.Optional;

/**
 * Turns an API token into the principal it belongs to. Implementations must be thread-safe, take
 * time independent of how much of a token matches, and never log the token.
 */
@FunctionalInterface
public interface TokenVerifier {
  /** The token's principal, or empty when the token is unknown, revoked or expired. */
  Optional<Principal> verify(String token);
}
