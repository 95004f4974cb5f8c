package dev.tend.server.alerting;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.Principal;
import dev.tend.alert.AlertRuleException;
import dev.tend.alerting.Alert;
import dev.tend.alerting.AlertRepository;
import dev.tend.alerting.Incident;
import dev.tend.alerting.IncidentEvent;
import dev.tend.alerting.StoredRule;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.server.ApiModule;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiCall;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.DocumentBody;
import dev.tend.server.http.FieldError;
import dev.tend.server.http.ProblemCode;
import dev.tend.server.openapi.OpenApiDocument;
import dev.tend.store.Ids;
import dev.tend.store.Names;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Alert rules, alerts and incidents over HTTP: rules are put as YAML ({@code application/yaml}) or
 * JSON and read back with their canonical form; alerts are listed by state and acknowledged;
 * incidents show their alerts, timeline, time to detect and time to recover. Writers need the
 * editor role, as for pipelines. See docs/alerts.md. Thread-safe.
 */
public final class AlertsApi implements ApiModule {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_LISTED = 500;

  private final ProjectRepository projects;
  private final Alerting alerting;
  private final AlertRepository repository;

  public AlertsApi(ProjectRepository projects, Alerting alerting) {
    this.projects = requireNonNull(projects, "projects is null");
    this.alerting = requireNonNull(alerting, "alerting is null");
    this.repository = alerting.repository();
  }

  @Override
  public void routes(ApiRoutes routes) {
    routes.get("/projects/{project}/alert-rules", Access.READ, this::listRules);
    routes.put("/projects/{project}/alert-rules/{name}", Access.WRITE, this::putRule);
    routes.get("/projects/{project}/alert-rules/{name}", Access.READ, this::getRule);
    routes.delete("/projects/{project}/alert-rules/{name}", Access.WRITE, this::deleteRule);
    routes.get("/projects/{project}/alerts", Access.READ, this::listAlerts);
    routes.get("/projects/{project}/alerts/{id}", Access.READ, this::getAlert);
    routes.get("/projects/{project}/alerts/{id}/root-cause", Access.READ, this::getRootCause);
    routes.post("/projects/{project}/alerts/{id}/acknowledge", Access.WRITE, this::acknowledge);
    routes.get("/projects/{project}/incidents", Access.READ, this::listIncidents);
    routes.get("/projects/{project}/incidents/{id}", Access.READ, this::getIncident);
  }

  // ---------------------------------------------------------------- views

  record RuleView(
      String name,
      int version,
      boolean enabled,
      String sourceType,
      JsonNode rule,
      Optional<String> source,
      Instant createdAt,
      String createdBy,
      Instant updatedAt,
      String updatedBy) {
    static RuleView of(StoredRule r, boolean full) {
      JsonNode rule;
      try {
        rule = JSON.readTree(r.ruleJson());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a stored rule's canonical JSON does not parse", e);
      }
      return new RuleView(
          r.name(),
          r.version(),
          r.enabled(),
          r.sourceType(),
          rule,
          full ? Optional.of(r.source()) : Optional.empty(),
          r.createdAt(),
          r.createdBy(),
          r.updatedAt(),
          r.updatedBy());
    }
  }

  record AlertView(
      String id,
      String state,
      String rule,
      String fingerprint,
      String severity,
      String deployment,
      String modelVersion,
      String segment,
      String column,
      String metric,
      Map<String, String> labels,
      String summary,
      String description,
      List<String> channels,
      double lastValue,
      Instant lastWindowEnd,
      Instant onset,
      Instant firedAt,
      Optional<Instant> acknowledgedAt,
      Optional<String> acknowledgedBy,
      Optional<Instant> resolvedAt,
      double timeToDetectSeconds,
      Optional<Double> timeToRecoverSeconds,
      Optional<Double> firedToResolvedSeconds,
      String incidentId,
      Optional<JsonNode> rootCause) {
    static AlertView of(Alert a) {
      return new AlertView(
          a.id(),
          a.state(),
          a.rule(),
          a.fingerprint(),
          a.severity(),
          a.deployment(),
          a.modelVersion(),
          a.segment(),
          a.column(),
          a.metric(),
          a.labels(),
          a.summary(),
          a.description(),
          a.channels(),
          a.lastValue(),
          a.lastWindowEnd(),
          a.onset(),
          a.firedAt(),
          a.acknowledgedAt(),
          a.acknowledgedBy(),
          a.resolvedAt(),
          seconds(a.timeToDetect()),
          a.timeToRecover().map(AlertsApi::seconds),
          a.firedToResolved().map(AlertsApi::seconds),
          a.incidentId(),
          a.rootCause().map(RootCauseJson::parseTree));
    }
  }

  record EventView(
      int seq, String kind, Optional<String> alertId, String detail, String actor, Instant at) {
    static EventView of(IncidentEvent e) {
      return new EventView(
          e.seq(), e.kind().wireName(), e.alertId(), e.detail(), e.actor(), e.at());
    }
  }

  record IncidentView(
      String id,
      String deployment,
      String title,
      String severity,
      String state,
      Instant openedAt,
      Optional<Instant> resolvedAt,
      Optional<Instant> onset,
      Optional<Double> timeToDetectSeconds,
      Optional<Double> timeToRecoverSeconds,
      Optional<Double> firedToResolvedSeconds,
      Optional<List<AlertView>> alerts,
      Optional<List<EventView>> timeline) {
    /*
     * An incident's onset is its earliest alert's; it was detected when its first alert fired
     * (the incident opened then) and recovered when it resolved.
     */
    static IncidentView of(
        Incident i, List<Alert> alerts, Optional<List<IncidentEvent>> timeline, boolean full) {
      Optional<Instant> onset = alerts.stream().map(Alert::onset).min(Comparator.naturalOrder());
      return new IncidentView(
          i.id(),
          i.deployment(),
          i.title(),
          i.severity(),
          i.open() ? "open" : "resolved",
          i.openedAt(),
          i.resolvedAt(),
          onset,
          onset.map(o -> seconds(Duration.between(o, i.openedAt()))),
          onset.flatMap(o -> i.resolvedAt().map(r -> seconds(Duration.between(o, r)))),
          i.resolvedAt().map(r -> seconds(Duration.between(i.openedAt(), r))),
          full ? Optional.of(alerts.stream().map(AlertView::of).toList()) : Optional.empty(),
          timeline.map(list -> list.stream().map(EventView::of).toList()));
    }
  }

  static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }

  // ---------------------------------------------------------------- rules

  private void listRules(ApiCall call) {
    Project project = project(call);
    call.json(
        200,
        Map.of(
            "items",
            repository.rules(project.id()).stream().map(r -> RuleView.of(r, false)).toList()));
  }

  private void putRule(ApiCall call) {
    Project project = project(call);
    String name = name(call);
    DocumentBody body = DocumentBody.read(call, "rule");
    String type = body.format();
    String text = body.text();
    if (text.isBlank()) {
      throw new ApiException.ValidationFailed(
          FieldError.body("", "the body is empty; send the rule as YAML or JSON"));
    }
    Alerting.RuleChange change;
    try {
      change = alerting.putRule(project.id(), name, text, type, actor(call));
    } catch (AlertRuleException e) {
      throw refused(e);
    }
    call.json(
        change.result() == AlertRepository.PutResult.CREATED ? 201 : 200,
        RuleView.of(change.stored(), true));
  }

  private void getRule(ApiCall call) {
    Project project = project(call);
    call.json(200, RuleView.of(rule(project, name(call)), true));
  }

  private void deleteRule(ApiCall call) {
    Project project = project(call);
    StoredRule rule = rule(project, name(call));
    alerting.deleteRule(project.id(), rule.name(), actor(call));
    call.context().status(204);
  }

  private StoredRule rule(Project project, String name) {
    return repository
        .rule(project.id(), name)
        .orElseThrow(
            () ->
                new ApiException.NotFound(
                    "project '" + project.name() + "' has no alert rule named '" + name + "'"));
  }

  /* Invalid YAML is a malformed request; a valid document that is not a valid rule, a 422. */
  private static ApiException refused(AlertRuleException e) {
    if (e.getMessage().startsWith("invalid YAML")) {
      return new ApiException(ProblemCode.MALFORMED_REQUEST, e.describe(), List.of(), Map.of(), e);
    }
    String pointer = e.field().isEmpty() ? "" : "/" + e.field().replace('.', '/');
    return new ApiException(
        ProblemCode.VALIDATION_FAILED,
        e.describe(),
        List.of(FieldError.body(pointer, e.describe())),
        Map.of(),
        e);
  }

  // ---------------------------------------------------------------- alerts

  private void listAlerts(ApiCall call) {
    Project project = project(call);
    Optional<String> state = call.queryParam("state").filter(s -> !s.isEmpty());
    if (state.isPresent()
        && !List.of(Alert.FIRING, Alert.ACKNOWLEDGED, Alert.RESOLVED).contains(state.get())) {
      throw new ApiException.ValidationFailed(
          FieldError.query(
              "state",
              "state must be firing, acknowledged or resolved, found '" + state.get() + "'"));
    }
    call.json(
        200,
        Map.of(
            "items",
            repository.alerts(project.id(), state, MAX_LISTED).stream()
                .map(AlertView::of)
                .toList()));
  }

  private void getAlert(ApiCall call) {
    Project project = project(call);
    call.json(200, AlertView.of(alert(project, call.pathParam("id"))));
  }

  private void getRootCause(ApiCall call) {
    Project project = project(call);
    Alert alert = alert(project, call.pathParam("id"));
    JsonNode cause =
        alert
            .rootCause()
            .map(RootCauseJson::parseTree)
            .orElseThrow(
                () ->
                    new ApiException.NotFound(
                        "alert '"
                            + alert.id()
                            + "' has no root cause: only quality, drift and performance alerts"
                            + " get one, when they fire with their window's figures stored"));
    call.json(200, cause);
  }

  private void acknowledge(ApiCall call) {
    Project project = project(call);
    Alert alert = alert(project, call.pathParam("id"));
    call.json(200, AlertView.of(alerting.acknowledge(project.id(), alert.id(), actor(call))));
  }

  private Alert alert(Project project, String id) {
    Optional<Alert> alert =
        Ids.isWellFormed(id) ? repository.alert(project.id(), id) : Optional.empty();
    return alert.orElseThrow(
        () ->
            new ApiException.NotFound(
                "project '" + project.name() + "' has no alert with the id '" + id + "'"));
  }

  // ---------------------------------------------------------------- incidents

  private void listIncidents(ApiCall call) {
    Project project = project(call);
    call.json(
        200,
        Map.of(
            "items",
            repository.incidents(project.id(), MAX_LISTED).stream()
                .map(
                    i ->
                        IncidentView.of(
                            i, repository.alertsOfIncident(i.id()), Optional.empty(), false))
                .toList()));
  }

  private void getIncident(ApiCall call) {
    Project project = project(call);
    String id = call.pathParam("id");
    Incident incident =
        (Ids.isWellFormed(id) ? repository.incident(project.id(), id) : Optional.<Incident>empty())
            .orElseThrow(
                () ->
                    new ApiException.NotFound(
                        "project '"
                            + project.name()
                            + "' has no incident with the id '"
                            + id
                            + "'"));
    call.json(
        200,
        IncidentView.of(
            incident,
            repository.alertsOfIncident(incident.id()),
            Optional.of(repository.timeline(incident.id())),
            true));
  }

  // ---------------------------------------------------------------- helpers

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

  private static String name(ApiCall call) {
    String name = call.pathParam("name");
    if (!dev.tend.alert.AlertRule.NAME.matcher(name).matches()) {
      throw new ApiException.ValidationFailed(
          FieldError.path(
              "name",
              "a rule name is 1 to 100 letters, digits, '.', '_' or '-', starting with a letter"
                  + " or digit; found '"
                  + name
                  + "'"));
    }
    return name;
  }

  private static String actor(ApiCall call) {
    return call.principal().map(Principal::name).orElseThrow();
  }

  @Override
  public JsonNode openApi(ObjectMapper mapper) {
    return OpenApiDocument.load(mapper, AlertsApi.class, "alerts-openapi.json");
  }
}
