package dev.tend.deployments;

import static java.util.Objects.requireNonNull;

/** A deployment event with the name and environment of its deployment. */
public record NamedEvent(String deployment, Environment environment, DeploymentEvent event) {
  public NamedEvent {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(event, "event is null");
  }
}
