package dev.tend.access;

import static java.util.Objects.requireNonNull;

/**
 * Answers whether a principal may take an action in a project: global admins may do anything,
 * others need a role in the project that includes the action's {@link Action#minimumRole()}.
 * Thread-safe.
 */
public final class Authorization {
  private final AccessRepository access;

  public Authorization(AccessRepository access) {
    this.access = requireNonNull(access, "access is null");
  }

  /** Whether {@code principal} may take {@code action} in the project with id {@code projectId}. */
  public boolean can(Principal principal, String projectId, Action action) {
    requireNonNull(principal, "principal is null");
    requireNonNull(projectId, "projectId is null");
    requireNonNull(action, "action is null");
    if (principal.globalAdmin()) {
      return true;
    }
    return access
        .roleOf(principal.id(), projectId)
        .map(role -> role.includes(action.minimumRole()))
        .orElse(false);
  }
}
