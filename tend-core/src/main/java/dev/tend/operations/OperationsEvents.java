package dev.tend.operations;

import java.util.List;
import java.util.Map;

/**
 * What happened in a project, as the figures need it.
 *
 * @param revisions every revision of the deployments considered up to the period's end, earlier
 *     ones included: whether a revision changed the stable version, and whether it went back to an
 *     earlier one, depends on the revisions before it
 * @param models the lineage of the model versions, by registry id; versions missing here count as
 *     deployments without a lead time
 * @param incidents the incidents considered
 * @param actions the actions besides revisions (approvals, pipeline runs queued)
 */
public record OperationsEvents(
    List<RevisionEvent> revisions,
    Map<String, ModelLineage> models,
    List<IncidentSpan> incidents,
    List<ActionEvent> actions) {
  public OperationsEvents {
    revisions = List.copyOf(revisions);
    models = Map.copyOf(models);
    incidents = List.copyOf(incidents);
    actions = List.copyOf(actions);
  }
}
