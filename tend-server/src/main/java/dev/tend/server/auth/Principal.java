package dev.tend.server.auth;

import static java.util.Objects.requireNonNull;

/**
 * Who a request acts for, as established by a {@link TokenVerifier}.
 *
 * @param id stable identifier (logged and used to scope idempotency keys)
 * @param name display name
 * @param globalAdmin whether the principal may do anything in every project
 */
public record Principal(String id, String name, boolean globalAdmin) {
  public Principal {
    requireNonNull(id, "id is null");
    requireNonNull(name, "name is null");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id is blank");
    }
  }
}
