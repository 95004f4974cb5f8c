package dev.tend.server.auth;

import dev.tend.access.Action;
import dev.tend.access.Principal;

/**
 * Decides whether a principal may perform an action in a project (its roles there, or global
 * admin). Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Authorizer {
  boolean can(Principal principal, String project, Action action);
}
