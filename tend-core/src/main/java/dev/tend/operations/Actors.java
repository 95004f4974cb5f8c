package dev.tend.operations;

import java.util.Set;

/**
 * Who counts as the system: the automation service ({@code automation:<policy>}) and the actors the
 * server's own loops write (see docs/operations-figures.md). Everyone else is a person.
 */
public final class Actors {
  /** The prefix of the automation service's actors, {@code automation:<policy-name>}. */
  public static final String AUTOMATION_PREFIX = "automation:";

  /*
   * The server's own actors: the rollout controller (DeploymentEvent.CONTROLLER), pipeline
   * triggers queueing runs (PipelineTriggers.ACTOR), alerting (its incident timeline) and the
   * server's housekeeping (PushFolder.ACTOR, audit). A server test keeps these in step.
   */
  public static final Set<String> SYSTEM =
      Set.of("tend:rollout-controller", "trigger", "alerting", "system");

  private Actors() {}

  /** Whether {@code actor} is the system rather than a person. */
  public static boolean automated(String actor) {
    return actor.startsWith(AUTOMATION_PREFIX) || SYSTEM.contains(actor);
  }
}
