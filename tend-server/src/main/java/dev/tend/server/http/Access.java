package dev.tend.server.http;

import dev.tend.access.Action;
import java.util.Optional;

/**
 * What a route needs from its caller. {@link #PUBLIC} routes need nothing; the others need a
 * principal allowed the matching {@link Action}, in the project named by the route's {@code
 * {project}} path parameter, or, for routes outside a project, any principal for {@link #READ} and
 * {@link #WRITE} (such as uploading a content-addressed blob, which grants nothing until a project
 * route refers to it) and a global admin otherwise. {@link #READ} routes also answer anonymous
 * callers when {@code auth.anonymous-reads} is on.
 */
public enum Access {
  PUBLIC(null),
  READ(Action.READ),
  WRITE(Action.WRITE),
  MAINTAIN(Action.MAINTAIN),
  ADMIN(Action.ADMINISTER);

  private final Action action;

  Access(Action action) {
    this.action = action;
  }

  public Optional<Action> action() {
    return Optional.ofNullable(action);
  }
}
