package dev.tend.access;

import static java.util.Objects.requireNonNull;

/** Someone (a person or a machine) who authenticates with API tokens. */
public record Principal(String id, String name, boolean globalAdmin) {
  public Principal {
    requireNonNull(id, "id is null");
    requireNonNull(name, "name is null");
  }
}
