package dev.tend.server.operations;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.deployments.DeploymentEvent;
import dev.tend.operations.Actors;
import dev.tend.server.alerting.Alerting;
import dev.tend.server.internal.PushFolder;
import dev.tend.server.pipelines.PipelineTriggers;
import org.junit.jupiter.api.Test;

/**
 * The operations figures count as automated exactly the actors the server's own loops write: a new
 * or renamed one would otherwise be counted as a person.
 */
class SystemActorsTest {
  @Test
  void theServersOwnActorsAreTheAutomatedOnes() {
    assertThat(Actors.SYSTEM)
        .containsExactlyInAnyOrder(
            DeploymentEvent.CONTROLLER, PipelineTriggers.ACTOR, Alerting.ACTOR, PushFolder.ACTOR);
  }
}
