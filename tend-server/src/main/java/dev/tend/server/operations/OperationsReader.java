package dev.tend.server.operations;

import static java.util.Objects.requireNonNull;

import dev.tend.alerting.AlertRepository;
import dev.tend.alerting.IncidentOnset;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.deployments.Deployment;
import dev.tend.deployments.DeploymentEvent;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.deployments.Environment;
import dev.tend.deployments.NamedEvent;
import dev.tend.deployments.NamedRevision;
import dev.tend.operations.ActionEvent;
import dev.tend.operations.DataPush;
import dev.tend.operations.IncidentSpan;
import dev.tend.operations.ModelLineage;
import dev.tend.operations.OperationsCalculator;
import dev.tend.operations.OperationsEvents;
import dev.tend.operations.OperationsFigures;
import dev.tend.operations.Period;
import dev.tend.operations.RevisionEvent;
import dev.tend.pipelines.PipelineRepository;
import dev.tend.pipelines.PipelineRun;
import dev.tend.pipelines.QueuedRun;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegistryRepository;
import dev.tend.tracking.RunInput;
import dev.tend.tracking.TrackingRepository;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gathers the {@link OperationsEvents} of a project over a period from the store: a handful of
 * project-wide queries, then lineage lookups (model version, its run's inputs, their dataset
 * versions) for each distinct version that became stable in the period. The API and the UI read
 * their figures here. Thread-safe.
 */
public final class OperationsReader {
  /* The reason a pipeline's deploy step gives its revisions (DeployStep). */
  private static final Pattern PIPELINE_REASON =
      Pattern.compile("^pipeline \\S+ run (\\S+) step \\S+");

  private final DeploymentRepository deployments;
  private final AlertRepository alerts;
  private final PipelineRepository pipelines;
  private final RegistryRepository registry;
  private final TrackingRepository tracking;
  private final DatasetRepository datasets;

  public OperationsReader(
      DeploymentRepository deployments,
      AlertRepository alerts,
      PipelineRepository pipelines,
      RegistryRepository registry,
      TrackingRepository tracking,
      DatasetRepository datasets) {
    this.deployments = requireNonNull(deployments, "deployments is null");
    this.alerts = requireNonNull(alerts, "alerts is null");
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.tracking = requireNonNull(tracking, "tracking is null");
    this.datasets = requireNonNull(datasets, "datasets is null");
  }

  /** The project's operations figures over {@code period}, in one environment or all. */
  public OperationsFigures figures(
      String projectId, Period period, Optional<Environment> environment) {
    return OperationsCalculator.compute(period, read(projectId, period, environment));
  }

  OperationsEvents read(String projectId, Period period, Optional<Environment> environment) {
    List<NamedRevision> stored = deployments.projectRevisions(projectId, environment, period.to());
    Map<String, Optional<String>> runActors = new HashMap<>();
    List<RevisionEvent> revisions = new ArrayList<>();
    Set<String> versions = new LinkedHashSet<>();
    for (NamedRevision named : stored) {
      var revision = named.revision();
      Optional<String> onBehalfOf = Optional.empty();
      if (period.contains(revision.createdAt())) {
        Matcher m = PIPELINE_REASON.matcher(revision.reason());
        if (m.find()) {
          onBehalfOf =
              runActors.computeIfAbsent(
                  m.group(1), id -> pipelines.run(id).map(PipelineRun::createdBy));
        }
        versions.add(revision.traffic().stableVersionId());
      }
      revisions.add(
          new RevisionEvent(
              named.deployment(),
              named.environment().wireName(),
              revision.number(),
              revision.createdAt(),
              revision.createdBy(),
              revision.traffic().stableVersionId(),
              revision.traffic().candidate().map(c -> c.versionId()),
              onBehalfOf));
    }

    Map<String, ModelLineage> models = new HashMap<>();
    for (String versionId : versions) {
      lineage(versionId).ifPresent(l -> models.put(versionId, l));
    }

    Set<String> inEnvironment = new LinkedHashSet<>();
    for (Deployment d : deployments.list(projectId)) {
      if (environment.isEmpty() || d.environment() == environment.get()) {
        inEnvironment.add(d.name());
      }
    }
    List<IncidentSpan> incidents = new ArrayList<>();
    for (IncidentOnset found : alerts.incidentsOpened(projectId, period.from(), period.to())) {
      var incident = found.incident();
      if (environment.isPresent() && !inEnvironment.contains(incident.deployment())) {
        continue;
      }
      incidents.add(
          new IncidentSpan(
              incident.id(),
              incident.deployment(),
              incident.severity(),
              incident.openedAt(),
              found.onset(),
              incident.resolvedAt()));
    }

    List<ActionEvent> actions = new ArrayList<>();
    for (NamedEvent approved :
        deployments.projectEvents(
            projectId, environment, DeploymentEvent.Kind.APPROVED, period.from(), period.to())) {
      actions.add(
          new ActionEvent("approve", approved.event().createdAt(), approved.event().createdBy()));
    }
    /* Runs belong to no environment: they count only in the project-wide figures. */
    if (environment.isEmpty()) {
      for (QueuedRun run : pipelines.runsQueued(projectId, period.from(), period.to())) {
        actions.add(new ActionEvent("pipeline-run", run.createdAt(), run.createdBy()));
      }
    }
    return new OperationsEvents(revisions, models, incidents, actions);
  }

  /*
   * The model version and the newest dataset version it was trained on: the one the registry
   * names, and its source run's inputs (those tagged as training when any is).
   */
  private Optional<ModelLineage> lineage(String versionId) {
    Optional<ModelVersion> found = registry.versionById(versionId);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ModelVersion version = found.get();
    Set<String> datasetVersions = new LinkedHashSet<>();
    version.datasetVersionId().ifPresent(datasetVersions::add);
    version
        .runId()
        .flatMap(tracking::run)
        .ifPresent(
            run -> {
              List<RunInput> inputs =
                  run.inputs().stream().filter(i -> i.datasetVersionId().isPresent()).toList();
              List<RunInput> training =
                  inputs.stream()
                      .filter(i -> "training".equals(i.tags().get(RunInput.CONTEXT_TAG)))
                      .toList();
              (training.isEmpty() ? inputs : training)
                  .forEach(i -> datasetVersions.add(i.datasetVersionId().orElseThrow()));
            });
    Optional<DataPush> newest =
        datasetVersions.stream()
            .map(datasets::versionById)
            .flatMap(Optional::stream)
            .max(Comparator.comparing(DatasetVersion::createdAt))
            .map(
                v ->
                    new DataPush(
                        datasets.get(v.datasetId()).map(d -> d.name()).orElse(v.datasetId()),
                        v.number(),
                        v.createdAt()));
    return Optional.of(new ModelLineage(versionId, version.modelName(), version.version(), newest));
  }
}
