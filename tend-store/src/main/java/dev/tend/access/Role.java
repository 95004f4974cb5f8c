package dev.tend.access;

import java.util.Locale;

/** A principal's role in one project; each role may do everything the roles before it may. */
public enum Role {
  VIEWER,
  EDITOR,
  MAINTAINER,
  ADMIN;

  /** Whether this role may do what {@code required} may. */
  public boolean includes(Role required) {
    return compareTo(required) >= 0;
  }

  /** The lower-case name kept in the database and shown to users. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role labelled {@code label}, as {@link #label()} writes it. */
  public static Role fromLabel(String label) {
    for (Role role : values()) {
      if (role.label().equals(label)) {
        return role;
      }
    }
    throw new IllegalArgumentException(
        "unknown role '" + label + "': use viewer, editor, maintainer or admin");
  }
}
