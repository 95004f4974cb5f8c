package dev.tend.server.auth;

/** A principal's role in one project; each role allows its own action and every weaker one. */
public enum Role {
  VIEWER(Action.READ),
  EDITOR(Action.WRITE),
  MAINTAINER(Action.MAINTAIN),
  ADMIN(Action.ADMIN);

  private final Action strongest;

  Role(Action strongest) {
    this.strongest = strongest;
  }

  /** Whether this role allows {@code action}. */
  public boolean allows(Action action) {
    return action.ordinal() <= strongest.ordinal();
  }
}
