package dev.tend.server.alerting;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.alert.AlertEvent;
import dev.tend.alert.AlertRule;
import dev.tend.alert.AlertRuleException;
import dev.tend.alert.AlertRules;
import dev.tend.alert.AlertState;
import dev.tend.alert.AlertStateMachine;
import dev.tend.alert.AlertStateMachine.Change;
import dev.tend.alert.AlertStateMachine.Step;
import dev.tend.alert.Condition;
import dev.tend.alert.RootCause;
import dev.tend.alert.RootCauseAnalysis;
import dev.tend.alert.RuleEvaluation;
import dev.tend.alert.RuleEvaluation.Verdict;
import dev.tend.alert.SeriesKey;
import dev.tend.alert.SeriesState;
import dev.tend.alert.Templates;
import dev.tend.alerting.Alert;
import dev.tend.alerting.AlertRepository;
import dev.tend.alerting.AlertRepository.Moved;
import dev.tend.alerting.AlertRepository.StoredSeries;
import dev.tend.alerting.IncidentEvent;
import dev.tend.alerting.NewAlert;
import dev.tend.alerting.SeriesMove;
import dev.tend.alerting.StoredRule;
import dev.tend.checks.SourceLocation;
import dev.tend.monitor.MetricPoint;
import dev.tend.pipelines.PipelineRun;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.store.NotFoundException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates a project's alert rules on each window's figures and keeps what follows: for every
 * series a rule watches it judges the window ({@link RuleEvaluation}), steps the series' state
 * ({@link AlertStateMachine}), stores the step with the alert opening or resolving and the incident
 * it joins, opens or resolves in one transaction, and only then hands {@link AlertEvent}s to the
 * {@link AlertSink} and queues the pipelines whose {@code alert:} trigger names the rule. A
 * quality, drift or performance alert opens with its root cause ({@link RootCauses}), stored in the
 * same insert; a report that cannot be built is logged and the alert opens without one.
 *
 * <p>Several servers may evaluate the same figures: each step is a compare-and-set on the stored
 * series state, and the loser re-reads the state, where it finds the window already judged. Time to
 * detect is {@code fired_at - onset} and time to recover {@code resolved_at - onset}, where the
 * onset is the start of the first breaching window. Thread-safe.
 */
public final class Alerting implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Alerting.class);
  private static final int MAX_ATTEMPTS = 3;

  /** The actor of what alerting writes by itself (incident timelines). */
  public static final String ACTOR = "alerting";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ProjectRepository projects;
  private final AlertRepository repository;
  private final MetricHistory history;
  private final AlertSink sink;
  private final AlertPipelines pipelines;
  private final Clock clock;
  private final Optional<URI> publicUrl;
  private final RootCauses rootCauses;
  private final Map<String, AlertRule> parsed = new ConcurrentHashMap<>();
  private final List<Consumer<Alert>> firedListeners = new CopyOnWriteArrayList<>();
  private volatile RuleChecks ruleChecks = RuleChecks.NONE;
  private final ScheduledExecutorService timer;

  /**
   * @param publicUrl the server's public base URL, for links in events; empty when unknown
   */
  public Alerting(
      ProjectRepository projects,
      AlertRepository repository,
      MetricHistory history,
      AlertSink sink,
      AlertPipelines pipelines,
      Clock clock,
      Optional<URI> publicUrl) {
    this(projects, repository, history, sink, pipelines, clock, publicUrl, RootCauses.NONE);
  }

  /**
   * @param publicUrl the server's public base URL, for links in events; empty when unknown
   * @param rootCauses explains quality, drift and performance alerts as they fire
   */
  public Alerting(
      ProjectRepository projects,
      AlertRepository repository,
      MetricHistory history,
      AlertSink sink,
      AlertPipelines pipelines,
      Clock clock,
      Optional<URI> publicUrl,
      RootCauses rootCauses) {
    this.rootCauses = requireNonNull(rootCauses, "rootCauses is null");
    this.projects = requireNonNull(projects, "projects is null");
    this.repository = requireNonNull(repository, "repository is null");
    this.history = requireNonNull(history, "history is null");
    this.sink = requireNonNull(sink, "sink is null");
    this.pipelines = requireNonNull(pipelines, "pipelines is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.publicUrl = requireNonNull(publicUrl, "publicUrl is null");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("tend-alert-repeats").factory());
  }

  public AlertRepository repository() {
    return repository;
  }

  /**
   * Hands every alert that fires from now on to {@code listener} (such as automation), after its
   * event is sent and its pipelines are queued; a listener that throws is logged and skipped.
   */
  public void onFired(Consumer<Alert> listener) {
    firedListeners.add(requireNonNull(listener, "listener is null"));
  }

  /** Refuses from now on the rules that {@code checks} finds cannot work ({@link #putRule}). */
  public void checkRulesWith(RuleChecks checks) {
    ruleChecks = requireNonNull(checks, "checks is null");
  }

  /** Sends still firing alerts again every {@code period} they are due ({@link #tick}). */
  public Alerting start(Duration period) {
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            tick(clock.instant());
          } catch (RuntimeException e) {
            LOG.warn("repeating alerts failed", e);
          }
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  // ---------------------------------------------------------------- rules

  /** A stored rule, and the rule it holds. */
  public record RuleChange(StoredRule stored, AlertRule rule, AlertRepository.PutResult result) {}

  /**
   * Reads and stores a rule sent as YAML or JSON ({@code sourceType} {@code yaml} or {@code json}).
   *
   * @throws AlertRuleException when the text is not a valid rule, or the {@link RuleChecks} refuse
   *     it
   */
  public RuleChange putRule(
      String projectId, String name, String text, String sourceType, String actor) {
    String file = name + "." + sourceType;
    AlertRule rule = AlertRules.parse(text, file, Optional.of(name));
    Optional<RuleChecks.Problem> problem = ruleChecks.problem(projectId, rule);
    if (problem.isPresent()) {
      throw new AlertRuleException(
          new SourceLocation(file, 0, 0), problem.get().field(), problem.get().message());
    }
    AlertRepository.Put put =
        repository.putRule(projectId, name, text, sourceType, canonicalJson(rule), actor);
    return new RuleChange(put.rule(), rule, put.result());
  }

  private static String canonicalJson(AlertRule rule) {
    try {
      return JSON.writeValueAsString(AlertRules.describe(rule));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a rule's canonical form is plain JSON", e);
    }
  }

  /** The rule a stored rule holds. */
  public AlertRule rule(StoredRule stored) {
    String key = stored.projectId() + "\u0000" + stored.name() + "\u0000" + stored.version();
    return parsed.computeIfAbsent(
        key,
        k ->
            AlertRules.parse(
                stored.source(),
                stored.name() + "." + stored.sourceType(),
                Optional.of(stored.name())));
  }

  /**
   * Deletes a rule; its open alerts resolve (and are sent as resolved).
   *
   * @throws NotFoundException when there is no such rule
   */
  public void deleteRule(String projectId, String name, String actor) {
    List<Alert> resolved = repository.deleteRule(projectId, name, actor);
    String project = projectName(projectId);
    for (Alert alert : resolved) {
      send(event(AlertEvent.Kind.RESOLVED, alert, project), alert.channels());
    }
  }

  // ---------------------------------------------------------------- evaluation

  /**
   * Evaluates every enabled rule of the project that watches some of {@code points} (figures of new
   * windows, of one or several series) and returns the events it sent. Windows already judged
   * change nothing.
   */
  public List<AlertEvent> figures(String projectId, List<MetricPoint> points) {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(points, "points is null");
    List<AlertEvent> events = new ArrayList<>();
    if (points.isEmpty()) {
      return events;
    }
    Instant now = clock.instant();
    for (StoredRule stored : repository.rules(projectId)) {
      if (!stored.enabled()) {
        continue;
      }
      AlertRule rule;
      try {
        rule = rule(stored);
      } catch (AlertRuleException e) {
        LOG.warn("stored alert rule {} does not parse: {}", stored.name(), e.describe());
        continue;
      }
      Map<SeriesKey, TreeMap<Instant, MetricPoint>> bySeries = new LinkedHashMap<>();
      for (MetricPoint point : points) {
        if (rule.matches(point)) {
          bySeries
              .computeIfAbsent(SeriesKey.of(point), k -> new TreeMap<>())
              .put(point.windowStart(), point);
        }
      }
      for (Map.Entry<SeriesKey, TreeMap<Instant, MetricPoint>> series : bySeries.entrySet()) {
        List<MetricPoint> windows = List.copyOf(series.getValue().values());
        for (int i = 0; i < windows.size(); i++) {
          try {
            window(projectId, rule, series.getKey(), windows.get(i), windows.subList(0, i), now)
                .ifPresent(events::addAll);
          } catch (RuntimeException e) {
            LOG.warn("evaluating alert rule {} on {} failed", rule.name(), series.getKey(), e);
          }
        }
      }
    }
    return events;
  }

  private Optional<List<AlertEvent>> window(
      String projectId,
      AlertRule rule,
      SeriesKey key,
      MetricPoint point,
      List<MetricPoint> earlier,
      Instant now) {
    String fingerprint = key.fingerprint(rule.name());
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Optional<StoredSeries> stored = repository.series(projectId, fingerprint);
      SeriesState state = stored.map(StoredSeries::state).orElse(SeriesState.INITIAL);
      if (state.lastWindowEnd().isPresent()
          && !point.windowEnd().isAfter(state.lastWindowEnd().get())) {
        return Optional.empty();
      }
      Verdict verdict = RuleEvaluation.latest(rule, series(rule, key, point, earlier));
      Step step = AlertStateMachine.step(state, verdict, rule.forWindows());
      boolean quiet =
          step.change() == Change.NONE
              && (step.next().state() == AlertState.INACTIVE
                  || step.next().state() == AlertState.RESOLVED);
      if (quiet) {
        return Optional.empty();
      }
      Optional<NewAlert> fire =
          step.change() == Change.FIRED
              ? Optional.of(
                  newAlert(rule, key, verdict, step.next(), rootCause(projectId, rule, key, point)))
              : Optional.empty();
      SeriesMove move =
          new SeriesMove(
              projectId,
              fingerprint,
              rule.name(),
              stored.map(s -> OptionalLong.of(s.seq())).orElse(OptionalLong.empty()),
              step.next(),
              fire,
              step.change() == Change.RESOLVED,
              point.value(),
              point.windowEnd());
      Optional<Moved> moved = repository.move(move, now);
      if (moved.isPresent()) {
        return Optional.of(after(projectId, rule, step.change(), moved.get()));
      }
    }
    LOG.warn(
        "alert rule {} on {}: the series kept changing under {} attempts; the window is left to"
            + " the other evaluators",
        rule.name(),
        key,
        MAX_ATTEMPTS);
    return Optional.empty();
  }

  /*
   * The window's series as the condition needs it: the history before the window (from the
   * store, and from earlier windows of the same call the store may not hold yet), the first
   * window for a first-window baseline, then the window itself.
   */
  private List<MetricPoint> series(
      AlertRule rule, SeriesKey key, MetricPoint point, List<MetricPoint> earlier) {
    int need = rule.condition().historyNeeded();
    TreeMap<Instant, MetricPoint> before = new TreeMap<>();
    if (need > 0) {
      for (MetricPoint p :
          history.points(
              key.deployment(),
              key.modelVersion(),
              key.segment(),
              rule.metric(),
              key.column(),
              point.windowStart(),
              need)) {
        before.put(p.windowStart(), p);
      }
    }
    earlier.forEach(p -> before.put(p.windowStart(), p));
    before.tailMap(point.windowStart(), true).clear();
    while (before.size() > need) {
      before.pollFirstEntry();
    }
    if (rule.condition() instanceof Condition.Change c
        && c.baseline() instanceof Condition.Baseline.First) {
      Optional<MetricPoint> first =
          history
              .first(
                  key.deployment(), key.modelVersion(), key.segment(), rule.metric(), key.column())
              .or(() -> earlier.stream().findFirst());
      first
          .filter(f -> f.windowStart().isBefore(point.windowStart()))
          .ifPresent(f -> before.put(f.windowStart(), f));
    }
    List<MetricPoint> series = new ArrayList<>(before.values());
    series.add(point);
    return series;
  }

  /*
   * The root cause of a quality, drift or performance alert, as stored JSON. Building it must
   * never stop the alert: a failure is logged and the alert fires without one.
   */
  private Optional<String> rootCause(
      String projectId, AlertRule rule, SeriesKey key, MetricPoint point) {
    if (RootCauseAnalysis.family(rule.metric()).isEmpty()) {
      return Optional.empty();
    }
    try {
      return rootCauses.explain(projectId, rule, key, point).map(RootCauseJson::text);
    } catch (RuntimeException e) {
      LOG.warn(
          "the root cause of alert rule {} on {} could not be built; it fires without one",
          rule.name(),
          key,
          e);
      return Optional.empty();
    }
  }

  private static NewAlert newAlert(
      AlertRule rule,
      SeriesKey key,
      Verdict verdict,
      SeriesState next,
      Optional<String> rootCause) {
    Map<String, String> labels = new TreeMap<>(rule.labels());
    labels.put("deployment", key.deployment());
    labels.put("model_version", key.modelVersion());
    labels.put("metric", rule.metric().label());
    if (!key.segment().isEmpty()) {
      labels.put("segment", key.segment());
    }
    if (!key.column().isEmpty()) {
      labels.put("column", key.column());
    }
    MetricPoint point = verdict.point();
    Map<String, String> values = new HashMap<>();
    values.put("value", RuleEvaluation.format(point.value()));
    values.put("metric", rule.metric().label());
    values.put("deployment", key.deployment());
    values.put("model_version", key.modelVersion());
    values.put("segment", key.segment());
    values.put("column", key.column());
    values.put("for_column", key.column().isEmpty() ? "" : " for " + key.column());
    values.put("rule", rule.name());
    values.put("severity", rule.severity().label());
    values.put("condition", verdict.explanation());
    values.put(
        "baseline",
        verdict.baseline().isPresent()
            ? RuleEvaluation.format(verdict.baseline().getAsDouble())
            : "");
    values.put("window_start", point.windowStart().toString());
    values.put("window_end", point.windowEnd().toString());
    values.put("count", Long.toString(point.count()));
    return new NewAlert(
        key.fingerprint(rule.name()),
        rule.name(),
        key.deployment(),
        key.modelVersion(),
        key.segment(),
        key.column(),
        rule.metric().label(),
        rule.severity().label(),
        labels,
        Templates.render(rule.summary(), values, rule.labels()),
        Templates.render(rule.description(), values, rule.labels()),
        rule.channels(),
        next.onset().orElseThrow(),
        point.value(),
        point.windowEnd(),
        rule.repeatInterval(),
        rootCause);
  }

  private List<AlertEvent> after(String projectId, AlertRule rule, Change change, Moved moved) {
    List<AlertEvent> events = new ArrayList<>();
    if (moved.alert().isEmpty()) {
      return events;
    }
    Alert alert = moved.alert().get();
    String project = projectName(projectId);
    switch (change) {
      case FIRED -> {
        AlertEvent event = event(AlertEvent.Kind.FIRING, alert, project);
        events.add(event);
        send(event, alert.channels());
        queuePipelines(projectId, rule, alert);
        for (Consumer<Alert> listener : firedListeners) {
          try {
            listener.accept(alert);
          } catch (RuntimeException e) {
            LOG.warn("a listener of alert {} firing failed", alert.id(), e);
          }
        }
      }
      case RESOLVED -> {
        AlertEvent event = event(AlertEvent.Kind.RESOLVED, alert, project);
        events.add(event);
        send(event, alert.channels());
      }
      case NONE, PENDING, CLEARED, STILL_FIRING -> {}
    }
    return events;
  }

  private void queuePipelines(String projectId, AlertRule rule, Alert alert) {
    List<PipelineRun> runs;
    try {
      runs = pipelines.alertFired(projectId, rule.name(), alert.incidentId());
    } catch (RuntimeException e) {
      LOG.warn("queueing the pipelines of alert rule {} failed", rule.name(), e);
      return;
    }
    if (runs.isEmpty()) {
      return;
    }
    List<IncidentEvent> timeline = repository.timeline(alert.incidentId());
    for (PipelineRun run : runs) {
      boolean noted =
          timeline.stream()
              .anyMatch(
                  e ->
                      e.kind() == IncidentEvent.Kind.PIPELINE_RUN_QUEUED
                          && e.detail().contains(run.id()));
      if (!noted) {
        repository.appendEvent(
            alert.incidentId(),
            IncidentEvent.Kind.PIPELINE_RUN_QUEUED,
            Optional.of(alert.id()),
            "queued run " + run.id() + " of pipeline " + run.pipelineName(),
            ACTOR,
            clock.instant());
      }
    }
  }

  // ---------------------------------------------------------------- repeats, acks, deliveries

  /** Sends again every open alert due by its repeat interval at {@code now}; returns the events. */
  public List<AlertEvent> tick(Instant now) {
    List<AlertEvent> events = new ArrayList<>();
    for (Alert alert : repository.dueForRepeat(now)) {
      if (repository.markRepeated(alert.id(), alert.lastSentAt(), now)) {
        AlertEvent event = event(AlertEvent.Kind.REPEAT, alert, projectName(alert.projectId()));
        events.add(event);
        send(event, alert.channels());
      }
    }
    return events;
  }

  /**
   * Acknowledges an open alert for {@code user}; acknowledging it again changes nothing.
   *
   * @throws NotFoundException when the project has no such alert
   * @throws dev.tend.store.ConflictException when it resolved already
   */
  public Alert acknowledge(String projectId, String alertId, String user) {
    AlertRepository.Acknowledged ack =
        repository.acknowledge(projectId, alertId, user, clock.instant());
    if (ack.changed()) {
      send(
          event(AlertEvent.Kind.ACKNOWLEDGED, ack.alert(), projectName(projectId)),
          ack.alert().channels());
    }
    return ack.alert();
  }

  /** What delivering one event to one channel came to. */
  public record Delivery(String channel, AlertEvent.Kind event, boolean delivered, String detail) {
    public Delivery {
      requireNonNull(channel, "channel is null");
      requireNonNull(event, "event is null");
      requireNonNull(detail, "detail is null");
    }
  }

  /**
   * Notes on the alert's incident timeline that an event was delivered to a channel, or failed.
   *
   * @throws NotFoundException when there is no such alert
   */
  public void delivered(String alertId, Delivery delivery) {
    Alert alert =
        repository
            .alertById(alertId)
            .orElseThrow(() -> new NotFoundException("no alert with the id '" + alertId + "'"));
    repository.appendEvent(
        alert.incidentId(),
        delivery.delivered()
            ? IncidentEvent.Kind.NOTIFICATION_DELIVERED
            : IncidentEvent.Kind.NOTIFICATION_FAILED,
        Optional.of(alertId),
        delivery.event().name().toLowerCase(Locale.ROOT)
            + " to "
            + delivery.channel()
            + (delivery.detail().isEmpty() ? "" : ": " + delivery.detail()),
        delivery.channel(),
        clock.instant());
  }

  // ---------------------------------------------------------------- events

  private AlertEvent event(AlertEvent.Kind kind, Alert alert, String project) {
    return new AlertEvent(
        kind,
        alert.id(),
        alert.incidentId(),
        alert.fingerprint(),
        project,
        alert.rule(),
        alert.severity(),
        alert.labels(),
        alert.summary(),
        alert.description(),
        OptionalDouble.of(alert.lastValue()),
        alert.onset(),
        alert.resolvedAt(),
        publicUrl.map(
            u ->
                u.toString().replaceAll("/+$", "")
                    + "/api/v1/projects/"
                    + project
                    + "/alerts/"
                    + alert.id()),
        alert.rootCause().flatMap(Alerting::readRootCause));
  }

  private static Optional<RootCause> readRootCause(String json) {
    try {
      return Optional.of(RootCauseJson.read(json));
    } catch (IllegalStateException e) {
      LOG.warn("a stored root cause is left out of the alert's messages: {}", e.getMessage());
      return Optional.empty();
    }
  }

  private void send(AlertEvent event, List<String> channels) {
    try {
      sink.send(event, channels);
    } catch (RuntimeException e) {
      LOG.warn("handing alert {} to its channels failed", event.alertId(), e);
    }
  }

  private String projectName(String projectId) {
    return projects.get(projectId).map(Project::name).orElse(projectId);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
