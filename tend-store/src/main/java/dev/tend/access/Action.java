package dev.tend.access;

import static java.util.Objects.requireNonNull;

/** What a principal wants to do in a project, and the least role that may do it. */
public enum Action {
  /** Read datasets, versions, aliases and the audit log. */
  READ(Role.VIEWER),
  /** Push dataset versions, create datasets, set custom aliases. */
  WRITE(Role.EDITOR),
  /** Move {@code production}, attach suites, force an alias onto a rejected version. */
  MAINTAIN(Role.MAINTAINER),
  /** Grant and revoke roles in the project. */
  ADMINISTER(Role.ADMIN);

  private final Role minimumRole;

  Action(Role minimumRole) {
    this.minimumRole = requireNonNull(minimumRole, "minimumRole is null");
  }

  /** The least role that may take this action. */
  public Role minimumRole() {
    return minimumRole;
  }
}
