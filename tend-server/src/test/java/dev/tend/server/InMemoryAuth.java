package dev.tend.server;

import dev.tend.access.Action;
import dev.tend.access.Principal;
import dev.tend.access.Role;
import dev.tend.server.auth.Authorizer;
import dev.tend.server.auth.TokenVerifier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Tokens and project roles held in memory, standing in for the metadata store in tests. */
public final class InMemoryAuth implements TokenVerifier, Authorizer {
  private final Map<String, Principal> tokens = new ConcurrentHashMap<>();
  private final Map<String, Role> roles = new ConcurrentHashMap<>();

  InMemoryAuth token(String token, Principal principal) {
    tokens.put(token, principal);
    return this;
  }

  InMemoryAuth role(Principal principal, String project, Role role) {
    roles.put(principal.id() + "/" + project, role);
    return this;
  }

  @Override
  public Optional<Principal> verify(String token) {
    return Optional.ofNullable(tokens.get(token));
  }

  @Override
  public boolean can(Principal principal, String project, Action action) {
    if (principal.globalAdmin()) {
      return true;
    }
    Role role = roles.get(principal.id() + "/" + project);
    return role != null && role.includes(action.minimumRole());
  }
}
