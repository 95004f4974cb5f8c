package dev.tend.server.ui.alerts;

import static java.util.Objects.requireNonNull;

import dev.tend.access.Action;
import dev.tend.access.Principal;
import dev.tend.alert.AlertRule;
import dev.tend.alert.RootCause;
import dev.tend.alerting.Alert;
import dev.tend.alerting.AlertRepository;
import dev.tend.alerting.Incident;
import dev.tend.alerting.IncidentEvent;
import dev.tend.alerting.StoredRule;
import dev.tend.projects.Project;
import dev.tend.server.alerting.Alerting;
import dev.tend.server.alerting.RootCauseJson;
import dev.tend.server.ui.Section;
import dev.tend.server.ui.UiArea;
import dev.tend.server.ui.UiCall;
import dev.tend.server.ui.UiException;
import dev.tend.server.ui.UiPaths;
import dev.tend.server.ui.UiResponse;
import dev.tend.server.ui.UiRoutes;
import dev.tend.store.ConflictException;
import dev.tend.store.Ids;
import dev.tend.store.NotFoundException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The alerts and incidents of a project: the alerts list (filtered by state) with the alert rules,
 * and each alert's page with its incident's timeline, its root-cause report, an Acknowledge button
 * and a comment form for editors. Acknowledging goes through {@link Alerting}, as the API's does,
 * so the alert's channels hear of it. Thread-safe.
 */
public final class AlertPages implements UiArea {
  /** The most alerts listed on one page. */
  static final int MAX_LISTED = 200;

  /** The longest comment accepted, in characters. */
  static final int MAX_COMMENT = 2_000;

  private static final List<String> STATES =
      List.of(Alert.FIRING, Alert.ACKNOWLEDGED, Alert.RESOLVED);

  private final Alerting alerting;
  private final AlertRepository repository;
  private final Clock clock;

  public AlertPages(Alerting alerting, Clock clock) {
    this.alerting = requireNonNull(alerting, "alerting is null");
    this.repository = alerting.repository();
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** The model of {@code alerts/list.jte}. */
  public record ListPage(
      String project,
      Optional<String> state,
      List<String> states,
      List<Alert> alerts,
      boolean more,
      List<RuleRow> rules) {
    public ListPage {
      requireNonNull(project, "project is null");
      requireNonNull(state, "state is null");
      states = List.copyOf(requireNonNull(states, "states is null"));
      alerts = List.copyOf(requireNonNull(alerts, "alerts is null"));
      rules = List.copyOf(requireNonNull(rules, "rules is null"));
    }

    public String link(Alert alert) {
      return UiPaths.project(project, "alerts", alert.id());
    }
  }

  /** A stored rule and what it says. */
  public record RuleRow(StoredRule stored, AlertRule rule) {
    public RuleRow {
      requireNonNull(stored, "stored is null");
      requireNonNull(rule, "rule is null");
    }
  }

  /**
   * The model of {@code alerts/alert.jte}.
   *
   * @param rootCause the alert's report, when it has one that reads
   * @param others the incident's other alerts, oldest first
   * @param canAcknowledge whether the caller may acknowledge it, and it is firing
   * @param canComment whether the caller may comment on its incident
   */
  public record AlertPage(
      String project,
      Alert alert,
      Optional<Incident> incident,
      List<IncidentEvent> timeline,
      Optional<RootCause> rootCause,
      List<Alert> others,
      boolean canAcknowledge,
      boolean canComment) {
    public AlertPage {
      requireNonNull(project, "project is null");
      requireNonNull(alert, "alert is null");
      requireNonNull(incident, "incident is null");
      timeline = List.copyOf(requireNonNull(timeline, "timeline is null"));
      requireNonNull(rootCause, "rootCause is null");
      others = List.copyOf(requireNonNull(others, "others is null"));
    }

    public String link(Alert other) {
      return UiPaths.project(project, "alerts", other.id());
    }

    public String action(String verb) {
      return UiPaths.project(project, "alerts", alert.id(), verb);
    }
  }

  @Override
  public void routes(UiRoutes routes) {
    routes.get("/projects/{project}/alerts", this::list);
    routes.get("/projects/{project}/alerts/{id}", this::show);
    routes.post("/projects/{project}/alerts/{id}/acknowledge", Action.WRITE, this::acknowledge);
    routes.post("/projects/{project}/alerts/{id}/comment", Action.WRITE, this::comment);
  }

  private UiResponse list(UiCall call) {
    Project project = call.project();
    Optional<String> state = call.query("state");
    if (state.isPresent() && !STATES.contains(state.get())) {
      throw UiException.badRequest(
          "state must be firing, acknowledged or resolved, not '" + state.get() + "'");
    }
    List<Alert> alerts = repository.alerts(project.id(), state, MAX_LISTED + 1);
    boolean more = alerts.size() > MAX_LISTED;
    return UiResponse.page(
        "alerts/list.jte",
        call.chrome("Alerts", Section.ALERTS),
        new ListPage(
            project.name(),
            state,
            STATES,
            more ? alerts.subList(0, MAX_LISTED) : alerts,
            more,
            repository.rules(project.id()).stream()
                .map(r -> new RuleRow(r, alerting.rule(r)))
                .toList()));
  }

  private UiResponse show(UiCall call) {
    Project project = call.project();
    Alert alert = alert(call, project);
    Optional<Incident> incident = repository.incident(project.id(), alert.incidentId());
    List<IncidentEvent> timeline =
        incident.isPresent() ? repository.timeline(alert.incidentId()) : List.of();
    List<Alert> others =
        repository.alertsOfIncident(alert.incidentId()).stream()
            .filter(a -> !a.id().equals(alert.id()))
            .toList();
    boolean canWrite = call.can(project.name(), Action.WRITE);
    return UiResponse.page(
        "alerts/alert.jte",
        call.chrome("Alert " + alert.rule(), Section.ALERTS),
        new AlertPage(
            project.name(),
            alert,
            incident,
            timeline,
            alert.rootCause().flatMap(AlertPages::rootCause),
            others,
            canWrite && alert.state().equals(Alert.FIRING),
            canWrite && incident.isPresent()));
  }

  private UiResponse acknowledge(UiCall call) {
    Project project = call.project();
    Alert alert = alert(call, project);
    try {
      alerting.acknowledge(project.id(), alert.id(), user(call));
    } catch (ConflictException e) {
      throw UiException.conflict("alert " + alert.id() + " resolved already: " + e.getMessage());
    } catch (NotFoundException e) {
      throw UiException.notFound(e.getMessage());
    }
    return UiResponse.redirect(
        UiPaths.project(project.name(), "alerts", alert.id()),
        "Acknowledged alert " + alert.rule() + " on " + alert.deployment() + ".");
  }

  private UiResponse comment(UiCall call) {
    Project project = call.project();
    Alert alert = alert(call, project);
    String text = call.form("comment").strip();
    if (text.length() > MAX_COMMENT) {
      throw UiException.badRequest(
          "a comment is at most " + MAX_COMMENT + " characters; this one has " + text.length());
    }
    repository.appendEvent(
        alert.incidentId(),
        IncidentEvent.Kind.COMMENT,
        Optional.of(alert.id()),
        text,
        user(call),
        clock.instant());
    return UiResponse.redirect(
        UiPaths.project(project.name(), "alerts", alert.id()), "Comment added to the incident.");
  }

  private Alert alert(UiCall call, Project project) {
    String id = call.path("id");
    return (Ids.isWellFormed(id) ? repository.alert(project.id(), id) : Optional.<Alert>empty())
        .orElseThrow(
            () ->
                UiException.notFound(
                    "project '" + project.name() + "' has no alert with the id '" + id + "'"));
  }

  /* The API records acknowledgements by the principal's name: so does the UI. */
  private static String user(UiCall call) {
    return call.principal().map(Principal::name).orElseThrow();
  }

  private static Optional<RootCause> rootCause(String json) {
    try {
      return Optional.of(RootCauseJson.read(json));
    } catch (IllegalStateException e) {
      return Optional.empty();
    }
  }
}
