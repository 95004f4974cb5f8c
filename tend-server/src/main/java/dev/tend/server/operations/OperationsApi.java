package dev.tend.server.operations;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.alerting.AlertRepository;
import dev.tend.datasets.DatasetRepository;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.deployments.Environment;
import dev.tend.operations.ActionCount;
import dev.tend.operations.Bucket;
import dev.tend.operations.BucketFigures;
import dev.tend.operations.Change;
import dev.tend.operations.DataPush;
import dev.tend.operations.Figures;
import dev.tend.operations.IncidentFigure;
import dev.tend.operations.ModelLineage;
import dev.tend.operations.OperationsFigures;
import dev.tend.operations.Period;
import dev.tend.operations.Summary;
import dev.tend.pipelines.PipelineRepository;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.ApiModule;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiCall;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.FieldError;
import dev.tend.server.openapi.OpenApiDocument;
import dev.tend.store.Names;
import dev.tend.tracking.TrackingRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * A project's operations figures over HTTP: {@code GET /projects/{project}/operations} with {@code
 * from}, {@code to}, {@code bucket} and {@code environment}. Reads only the store. See
 * docs/operations-figures.md. Thread-safe.
 */
public final class OperationsApi implements ApiModule {
  /** The period when {@code from} is not given: this long before {@code to}. */
  public static final Duration DEFAULT_PERIOD = Duration.ofDays(30);

  /** The most buckets one request may ask for. */
  public static final int MAX_BUCKETS = 1_000;

  private final ProjectRepository projects;
  private final OperationsReader reader;
  private final Clock clock;

  public OperationsApi(
      ProjectRepository projects,
      DeploymentRepository deployments,
      AlertRepository alerts,
      PipelineRepository pipelines,
      RegistryRepository registry,
      TrackingRepository tracking,
      DatasetRepository datasets,
      Clock clock) {
    this.projects = requireNonNull(projects, "projects is null");
    this.reader =
        new OperationsReader(deployments, alerts, pipelines, registry, tracking, datasets);
    this.clock = requireNonNull(clock, "clock is null");
  }

  @Override
  public void routes(ApiRoutes routes) {
    routes.get("/projects/{project}/operations", Access.READ, this::figures);
  }

  @Override
  public JsonNode openApi(ObjectMapper mapper) {
    return OpenApiDocument.load(mapper, OperationsApi.class, "operations-openapi.json");
  }

  private void figures(ApiCall call) {
    Project project = project(call);
    Bucket bucket =
        call.queryParam("bucket")
            .map(
                text -> {
                  try {
                    return Bucket.fromWireName(text);
                  } catch (IllegalArgumentException e) {
                    throw invalid("bucket", e.getMessage());
                  }
                })
            .orElse(Bucket.DAY);
    Optional<Environment> environment =
        call.queryParam("environment")
            .map(
                text -> {
                  try {
                    return Environment.fromWireName(text);
                  } catch (IllegalArgumentException e) {
                    throw invalid("environment", e.getMessage());
                  }
                });
    Instant to =
        call.queryParam("to")
            .map(t -> instant("to", t))
            .orElseGet(() -> clock.instant().truncatedTo(ChronoUnit.MILLIS));
    Instant from =
        call.queryParam("from")
            .map(t -> instant("from", t))
            .orElseGet(() -> to.minus(DEFAULT_PERIOD));
    if (!from.isBefore(to)) {
      throw invalid("from", "from (" + from + ") must be before to (" + to + ")");
    }
    Period period = new Period(from, to, bucket);
    if (period.bucketCount() > MAX_BUCKETS) {
      throw invalid(
          "from",
          "the period from "
              + from
              + " to "
              + to
              + " spans "
              + period.bucketCount()
              + " "
              + bucket.wireName()
              + " buckets; at most "
              + MAX_BUCKETS
              + " are allowed: narrow it or use bucket=week");
    }
    OperationsFigures figures = reader.figures(project.id(), period, environment);
    call.json(200, View.of(project, environment, figures));
  }

  /**
   * An instant ({@code 2026-11-02T10:00:00Z}) or a UTC date ({@code 2026-11-02}, its midnight), as
   * {@code from} and {@code to} are given.
   *
   * @throws DateTimeParseException when {@code text} is neither
   */
  public static Instant parseTime(String text) {
    if (text.length() == 10) {
      return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
    }
    return Instant.parse(text);
  }

  private static Instant instant(String field, String text) {
    try {
      return parseTime(text);
    } catch (DateTimeParseException e) {
      throw invalid(
          field,
          field
              + " must be an instant such as 2026-11-02T10:00:00Z or a UTC date such as"
              + " 2026-11-02, got '"
              + text
              + "'");
    }
  }

  private static ApiException invalid(String field, String message) {
    return new ApiException.ValidationFailed(FieldError.query(field, message));
  }

  private Project project(ApiCall call) {
    String name = call.pathParam("project");
    try {
      Names.requireValid("project", name);
    } catch (IllegalArgumentException e) {
      throw new ApiException.ValidationFailed(FieldError.path("project", e.getMessage()));
    }
    return projects
        .findByName(name)
        .orElseThrow(() -> new ApiException.NotFound("no project named '" + name + "'"));
  }

  // ---------------------------------------------------------------- views

  /* Absent figures are written as null rather than left out, so every key is always there. */

  record SummaryView(
      int count,
      @JsonInclude(JsonInclude.Include.ALWAYS) Double medianSeconds,
      @JsonInclude(JsonInclude.Include.ALWAYS) Double p90Seconds) {
    static SummaryView of(Summary s) {
      return new SummaryView(s.count(), boxed(s.median()), boxed(s.p90()));
    }
  }

  record ActionsView(int total, int automated, int manual) {
    static ActionsView of(ActionCount c) {
      return new ActionsView(c.total(), c.automated(), c.manual());
    }
  }

  record FiguresView(
      int deployments,
      Map<String, Integer> deploymentsByEnvironment,
      double deploymentsPerDay,
      int rolledBackRollouts,
      int reverts,
      int changeAttempts,
      @JsonInclude(JsonInclude.Include.ALWAYS) Double changeFailureRate,
      SummaryView leadTime,
      int incidents,
      int resolvedIncidents,
      SummaryView timeToDetect,
      SummaryView timeToRecover,
      ActionsView actions,
      Map<String, ActionsView> actionsByKind) {
    static FiguresView of(Figures f) {
      Map<String, ActionsView> byKind = new TreeMap<>();
      f.actionsByKind().forEach((k, v) -> byKind.put(k, ActionsView.of(v)));
      return new FiguresView(
          f.deployments(),
          f.deploymentsByEnvironment(),
          f.deploymentsPerDay(),
          f.rolledBackRollouts(),
          f.reverts(),
          f.changeAttempts(),
          boxed(f.changeFailureRate()),
          SummaryView.of(f.leadTime()),
          f.incidents(),
          f.resolvedIncidents(),
          SummaryView.of(f.timeToDetect()),
          SummaryView.of(f.timeToRecover()),
          ActionsView.of(f.actions()),
          byKind);
    }
  }

  record BucketView(Instant start, Instant end, FiguresView figures) {
    static BucketView of(BucketFigures b) {
      return new BucketView(b.start(), b.end(), FiguresView.of(b.figures()));
    }
  }

  record ChangeView(
      String deployment,
      String environment,
      int revision,
      Instant at,
      String actor,
      boolean automated,
      String kind,
      String versionId,
      @JsonInclude(JsonInclude.Include.ALWAYS) String model,
      @JsonInclude(JsonInclude.Include.ALWAYS) Integer modelVersion,
      @JsonInclude(JsonInclude.Include.ALWAYS) String previousVersionId,
      boolean revert,
      @JsonInclude(JsonInclude.Include.ALWAYS) String dataset,
      @JsonInclude(JsonInclude.Include.ALWAYS) Integer datasetVersion,
      @JsonInclude(JsonInclude.Include.ALWAYS) Instant dataPushedAt,
      @JsonInclude(JsonInclude.Include.ALWAYS) Double leadTimeSeconds) {
    static ChangeView of(Change c) {
      Optional<DataPush> data = c.model().flatMap(ModelLineage::data);
      return new ChangeView(
          c.deployment(),
          c.environment(),
          c.revision(),
          c.at(),
          c.actor(),
          c.automated(),
          c.kind(),
          c.versionId(),
          c.model().map(ModelLineage::model).orElse(null),
          c.model().map(ModelLineage::version).orElse(null),
          c.previousVersionId().orElse(null),
          c.revert(),
          data.map(DataPush::dataset).orElse(null),
          data.map(DataPush::version).orElse(null),
          data.map(DataPush::createdAt).orElse(null),
          boxed(c.leadTimeSeconds()));
    }
  }

  record IncidentView(
      String id,
      String deployment,
      String severity,
      String state,
      Instant openedAt,
      @JsonInclude(JsonInclude.Include.ALWAYS) Instant onset,
      @JsonInclude(JsonInclude.Include.ALWAYS) Instant resolvedAt,
      @JsonInclude(JsonInclude.Include.ALWAYS) Double timeToDetectSeconds,
      @JsonInclude(JsonInclude.Include.ALWAYS) Double timeToRecoverSeconds) {
    static IncidentView of(IncidentFigure f) {
      var i = f.incident();
      return new IncidentView(
          i.id(),
          i.deployment(),
          i.severity(),
          i.resolvedAt().isPresent() ? "resolved" : "open",
          i.openedAt(),
          i.onset().orElse(null),
          i.resolvedAt().orElse(null),
          boxed(f.timeToDetectSeconds()),
          boxed(f.timeToRecoverSeconds()));
    }
  }

  record View(
      String project,
      Instant from,
      Instant to,
      String bucket,
      @JsonInclude(JsonInclude.Include.ALWAYS) String environment,
      FiguresView totals,
      List<BucketView> buckets,
      List<ChangeView> changes,
      List<IncidentView> incidents) {
    static View of(Project project, Optional<Environment> environment, OperationsFigures f) {
      return new View(
          project.name(),
          f.period().from(),
          f.period().to(),
          f.period().bucket().wireName(),
          environment.map(Environment::wireName).orElse(null),
          FiguresView.of(f.totals()),
          f.buckets().stream().map(BucketView::of).toList(),
          f.changes().stream().map(ChangeView::of).toList(),
          f.incidents().stream().map(IncidentView::of).toList());
    }
  }

  private static Double boxed(OptionalDouble value) {
    return value.isPresent() ? value.getAsDouble() : null;
  }
}
