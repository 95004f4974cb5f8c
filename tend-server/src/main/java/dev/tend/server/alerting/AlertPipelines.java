package dev.tend.server.alerting;

import dev.tend.pipelines.PipelineRun;
import java.util.List;

/**
 * Queues the pipelines of a project whose {@code alert:} trigger names a rule that fired; {@link
 * dev.tend.server.pipelines.PipelineTriggers#alertFired} in a server.
 */
@FunctionalInterface
public interface AlertPipelines {
  /** The runs queued (or queued before for this incident) for {@code rule} firing. */
  List<PipelineRun> alertFired(String projectId, String rule, String incidentId);

  /** Queues nothing. */
  AlertPipelines NONE = (projectId, rule, incidentId) -> List.of();
}
