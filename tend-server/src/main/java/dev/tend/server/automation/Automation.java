package dev.tend.server.automation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.alerting.Alert;
import dev.tend.alerting.AlertRepository;
import dev.tend.alerting.IncidentEvent;
import dev.tend.automation.AutomationPolicies;
import dev.tend.automation.AutomationPolicy;
import dev.tend.automations.Action;
import dev.tend.automations.ActionChange;
import dev.tend.automations.ActionState;
import dev.tend.automations.ActionTrigger;
import dev.tend.automations.AutomationRepository;
import dev.tend.automations.StoredPolicy;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.deployments.Candidate;
import dev.tend.deployments.Deployment;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.deployments.Environment;
import dev.tend.deployments.Revision;
import dev.tend.deployments.RolloutMode;
import dev.tend.deployments.RolloutPolicy;
import dev.tend.pipeline.Durations;
import dev.tend.pipelines.PipelineDefinition;
import dev.tend.pipelines.PipelineRun;
import dev.tend.pipelines.RunTrigger;
import dev.tend.pipelines.StepRun;
import dev.tend.pipelines.StepStatus;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.deployments.Deployments;
import dev.tend.server.deployments.FeedbackRolloutQuality;
import dev.tend.server.deployments.RolloutQuality;
import dev.tend.server.feedback.LabelledPrediction;
import dev.tend.server.feedback.LabelledPredictions;
import dev.tend.server.pipelines.PipelineService;
import dev.tend.server.serving.OfflinePredictions;
import dev.tend.serving.log.PredictionRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the projects' automation policies. An alert firing ({@link #alertFired}) or a person ({@link
 * #trigger}) starts an action, or records it skipped when a guardrail says no; every period {@link
 * #tick} then advances each open action one step from its stored state: queue the policy's pipeline
 * run (as {@code automation:<policy>}), wait for it and take the model version it registered as the
 * challenger, gate it against the deployment's stable version on the newest labelled predictions
 * logged after the challenger's training data (both predicting the same logged inputs through the
 * real runtime), wait for a person's approval when the policy asks, start a canary rollout through
 * {@link Deployments}, and follow the rollout controller to its promotion (then move the policy's
 * alias) or rollback. Every step is a compare-and-set on the stored action with its audit entry,
 * and for actions an alert started, a line on the incident's timeline; so a restarted server
 * carries on where the last left off, and of several servers only one takes each step. Thread-safe.
 */
public final class Automation implements AutoCloseable {
  /** How often open actions are advanced by default. */
  public static final Duration PERIOD = Duration.ofSeconds(5);

  /** Predictions read per query of the log. */
  static final int PAGE = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(Automation.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What automation reads and changes. */
  public record Services(
      ProjectRepository projects,
      AutomationRepository repository,
      PipelineService pipelines,
      RegistryRepository registry,
      DatasetRepository datasets,
      DeploymentRepository deploymentRecords,
      Deployments deployments,
      AlertRepository alerts,
      LabelledPredictions labelled,
      OfflinePredictions offline) {
    public Services {
      requireNonNull(projects, "projects is null");
      requireNonNull(repository, "repository is null");
      requireNonNull(pipelines, "pipelines is null");
      requireNonNull(registry, "registry is null");
      requireNonNull(datasets, "datasets is null");
      requireNonNull(deploymentRecords, "deploymentRecords is null");
      requireNonNull(deployments, "deployments is null");
      requireNonNull(alerts, "alerts is null");
      requireNonNull(labelled, "labelled is null");
      requireNonNull(offline, "offline is null");
    }
  }

  /** Why a request was refused; {@link Kind} says how to report it. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The kinds of refusal. */
    public enum Kind {
      /** No such policy or action. */
      NOT_FOUND,
      /** The action's state does not allow it. */
      CONFLICT,
      /** The policy is valid but does not fit the project (no such deployment or pipeline). */
      INVALID
    }

    private final Kind kind;
    private final String field;

    Refused(Kind kind, String field, String message) {
      super(message);
      this.kind = requireNonNull(kind, "kind is null");
      this.field = requireNonNull(field, "field is null");
    }

    public Kind kind() {
      return kind;
    }

    /** The policy key at fault for {@link Kind#INVALID}; empty otherwise. */
    public String field() {
      return field;
    }
  }

  private final Services s;
  private final Clock clock;
  private final Map<String, AutomationPolicy> parsed = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;

  public Automation(Services services, Clock clock) {
    this.s = requireNonNull(services, "services is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("tend-automation").factory());
  }

  public AutomationRepository repository() {
    return s.repository();
  }

  public RegistryRepository registry() {
    return s.registry();
  }

  /** Advances every open action every {@code period} until closed. */
  public Automation start(Duration period) {
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            tick();
          } catch (RuntimeException e) {
            LOG.warn("advancing automation actions failed", e);
          }
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  // ---------------------------------------------------------------- policies

  /** A stored policy, the policy it holds, and what storing it did. */
  public record PolicyChange(
      StoredPolicy stored, AutomationPolicy policy, AutomationRepository.PutResult result) {}

  /**
   * Reads, checks and stores a policy sent as YAML or JSON; a bad policy changes nothing.
   *
   * @throws dev.tend.automation.AutomationPolicyException when the text is not a valid policy
   * @throws Refused when its deployment or pipeline does not exist in the project
   */
  public PolicyChange putPolicy(
      Project project, String name, String text, String sourceType, String actor) {
    AutomationPolicy policy =
        AutomationPolicies.parse(text, name + "." + sourceType, Optional.of(name));
    Optional<Deployment> deployment;
    try {
      deployment = s.deployments().existing(project, policy.deployment());
    } catch (Deployments.Refused e) {
      throw new Refused(Refused.Kind.INVALID, "deployment", e.getMessage());
    }
    if (deployment.isEmpty()) {
      throw new Refused(
          Refused.Kind.INVALID,
          "deployment",
          "project '"
              + project.name()
              + "' has no deployment named '"
              + policy.deployment()
              + "'; deploy a model first");
    }
    if (s.pipelines()
        .repository()
        .definition(project.id(), policy.retrain().pipeline())
        .isEmpty()) {
      throw new Refused(
          Refused.Kind.INVALID,
          "retrain.pipeline",
          "project '"
              + project.name()
              + "' has no stored pipeline named '"
              + policy.retrain().pipeline()
              + "'; apply it with tend pipeline apply first");
    }
    AutomationRepository.Put put =
        s.repository()
            .putPolicy(
                project.id(),
                name,
                text,
                sourceType,
                json(AutomationPolicies.describe(policy)),
                policy.deployment(),
                actor);
    return new PolicyChange(put.policy(), policy, put.result());
  }

  /** The policy a stored policy holds. */
  public AutomationPolicy policy(StoredPolicy stored) {
    String key = stored.projectId() + "\u0000" + stored.name() + "\u0000" + stored.version();
    return parsed.computeIfAbsent(
        key,
        k ->
            AutomationPolicies.parse(
                stored.source(),
                stored.name() + "." + stored.sourceType(),
                Optional.of(stored.name())));
  }

  // ---------------------------------------------------------------- triggers

  /** Starts an action of every policy of the alert's project that the alert triggers. */
  public List<Action> alertFired(Alert alert) {
    List<Action> started = new ArrayList<>();
    for (StoredPolicy stored : s.repository().policies(alert.projectId())) {
      AutomationPolicy policy;
      try {
        policy = policy(stored);
      } catch (RuntimeException e) {
        LOG.warn("stored automation policy {} does not parse", stored.name(), e);
        continue;
      }
      if (!policy.deployment().equals(alert.deployment())
          || !policy.on().matches(alert.rule(), alert.severity())) {
        continue;
      }
      Action action =
          s.repository()
              .start(
                  stored,
                  ActionTrigger.alert(
                      alert.id(),
                      alert.incidentId(),
                      alert.rule(),
                      "alert " + alert.rule() + " fired: " + alert.summary()),
                  guardrails(policy),
                  clock.instant());
      note(
          action,
          action.state() == ActionState.SKIPPED
              ? "skipped: " + action.reason().orElse("")
              : "queued a retrain with pipeline " + policy.retrain().pipeline());
      started.add(action);
    }
    return started;
  }

  /**
   * Starts an action of the named policy for {@code actor}; a guardrail may record it skipped.
   *
   * @throws Refused when there is no such policy
   */
  public Action trigger(Project project, String name, String reason, String actor) {
    StoredPolicy stored = storedPolicy(project, name);
    AutomationPolicy policy = policy(stored);
    return s.repository()
        .start(
            stored,
            ActionTrigger.manual(actor, reason.isBlank() ? "triggered by " + actor : reason),
            guardrails(policy),
            clock.instant());
  }

  private static AutomationRepository.Guardrails guardrails(AutomationPolicy policy) {
    return new AutomationRepository.Guardrails(
        policy.guardrails().cooldown(), policy.guardrails().maxPerDay());
  }

  private StoredPolicy storedPolicy(Project project, String name) {
    return s.repository()
        .policy(project.id(), name)
        .orElseThrow(
            () ->
                new Refused(
                    Refused.Kind.NOT_FOUND,
                    "",
                    "project '"
                        + project.name()
                        + "' has no automation policy named '"
                        + name
                        + "'"));
  }

  // ---------------------------------------------------------------- approval

  /**
   * Approves an action awaiting approval: its canary starts now.
   *
   * @throws Refused when there is no such action or it does not await approval
   */
  public Action approve(Project project, String actionId, String actor, String reason) {
    Action action = awaiting(project, actionId, "approved");
    StoredPolicy stored = storedPolicy(project, action.policy());
    Optional<Action> started =
        startCanary(
            action,
            policy(stored),
            project,
            "approved",
            actor,
            "approved by " + actor + (reason.isBlank() ? "" : ": " + reason));
    return started.orElseGet(() -> s.repository().action(project.id(), actionId).orElseThrow());
  }

  /**
   * Rejects an action awaiting approval.
   *
   * @throws Refused when there is no such action or it does not await approval
   */
  public Action reject(Project project, String actionId, String actor, String reason) {
    Action action = awaiting(project, actionId, "rejected");
    String why = "rejected by " + actor + (reason.isBlank() ? "" : ": " + reason);
    return advance(
            action,
            ActionChange.to(ActionState.REJECTED, "rejected", actor, detail("reason", why))
                .withReason(why))
        .orElseThrow(
            () ->
                new Refused(
                    Refused.Kind.CONFLICT, "", "action " + actionId + " changed meanwhile; retry"));
  }

  private Action awaiting(Project project, String actionId, String what) {
    Action action =
        s.repository()
            .action(project.id(), actionId)
            .orElseThrow(
                () ->
                    new Refused(
                        Refused.Kind.NOT_FOUND,
                        "",
                        "project '"
                            + project.name()
                            + "' has no automation action with the id '"
                            + actionId
                            + "'"));
    if (action.state() != ActionState.AWAITING_APPROVAL) {
      throw new Refused(
          Refused.Kind.CONFLICT,
          "",
          "action "
              + actionId
              + " is "
              + action.state().wireName()
              + "; only an action awaiting approval can be "
              + what);
    }
    return action;
  }

  // ---------------------------------------------------------------- the steps

  /** Advances every open action one step; returns the actions that changed. */
  public List<Action> tick() {
    List<Action> changed = new ArrayList<>();
    for (Action action : s.repository().openActions()) {
      try {
        step(action).ifPresent(changed::add);
      } catch (RuntimeException e) {
        LOG.warn("advancing automation action {} failed", action.id(), e);
      }
    }
    return changed;
  }

  private Optional<Action> step(Action action) {
    Optional<Project> project = s.projects().get(action.projectId());
    Optional<StoredPolicy> stored = s.repository().policy(action.projectId(), action.policy());
    if (project.isEmpty() || stored.isEmpty()) {
      return fail(action, "the policy '" + action.policy() + "' was deleted");
    }
    AutomationPolicy policy;
    try {
      policy = policy(stored.get());
    } catch (RuntimeException e) {
      return fail(action, "the stored policy does not parse: " + e.getMessage());
    }
    return switch (action.state()) {
      case QUEUED -> queueRun(action, policy, project.get());
      case TRAINING -> followRun(action);
      case GATING -> gate(action, policy, project.get());
      case CANARY -> followRollout(action, policy);
      case AWAITING_APPROVAL, PROMOTED, ROLLED_BACK, REJECTED_BY_GATE, REJECTED, FAILED, SKIPPED ->
          Optional.empty();
    };
  }

  private Optional<Action> queueRun(Action action, AutomationPolicy policy, Project project) {
    Optional<Deployment> deployment = deployment(project, policy);
    if (deployment.isEmpty()) {
      return fail(action, "deployment '" + policy.deployment() + "' does not exist any more");
    }
    Optional<PipelineDefinition> definition =
        s.pipelines().repository().definition(project.id(), policy.retrain().pipeline());
    if (definition.isEmpty()) {
      return fail(action, "pipeline '" + policy.retrain().pipeline() + "' does not exist");
    }
    RunTrigger trigger =
        new RunTrigger(
            action.trigger().kind() == ActionTrigger.Kind.ALERT
                ? RunTrigger.Kind.ALERT
                : RunTrigger.Kind.MANUAL,
            "automation policy " + action.policy() + " action " + action.id(),
            Optional.of("automation:" + action.id()));
    PipelineRun run;
    try {
      run =
          s.pipelines()
              .run(
                  project,
                  definition.get(),
                  policy.retrain().params(),
                  Optional.empty(),
                  trigger,
                  actor(action));
    } catch (PipelineService.PipelineRejected e) {
      return fail(
          action, "pipeline '" + policy.retrain().pipeline() + "' refused: " + e.getMessage());
    }
    String champion = deployment.get().current().traffic().stableVersionId();
    ObjectNode detail = JSON.createObjectNode();
    detail.put("pipeline", run.pipelineName());
    detail.put("pipeline_run_id", run.id());
    describeVersion(champion).ifPresent(v -> detail.set("champion", v));
    return advance(
        action,
        ActionChange.to(ActionState.TRAINING, "training", actor(action), detail.toString())
            .withRun(run.id())
            .withChampion(champion));
  }

  private Optional<Action> followRun(Action action) {
    String runId = action.pipelineRunId().orElseThrow();
    Optional<PipelineRun> run = s.pipelines().repository().run(runId);
    if (run.isEmpty()) {
      return fail(action, "pipeline run " + runId + " is gone");
    }
    switch (run.get().status()) {
      case QUEUED, RUNNING -> {
        return Optional.empty();
      }
      case FAILED, CANCELLED -> {
        return fail(
            action,
            "pipeline run "
                + runId
                + " "
                + run.get().status().name().toLowerCase(java.util.Locale.ROOT)
                + run.get().reason().map(r -> ": " + r).orElse(""));
      }
      case SUCCEEDED -> {}
    }
    List<ModelVersion> registered = new ArrayList<>();
    for (StepRun step : s.pipelines().repository().steps(runId)) {
      if (!step.kind().equals("register") || step.status() != StepStatus.SUCCEEDED) {
        continue;
      }
      try {
        JsonNode outputs = JSON.readTree(step.outputs());
        String model = outputs.path("model").asText();
        int number = outputs.path("number").asInt();
        s.registry()
            .model(action.projectId(), model)
            .flatMap(m -> s.registry().version(m.id(), number))
            .ifPresent(registered::add);
      } catch (JsonProcessingException e) {
        LOG.warn("outputs of step {} of run {} do not parse", step.stepId(), runId, e);
      }
    }
    if (registered.size() != 1) {
      return fail(
          action,
          "pipeline run "
              + runId
              + " registered "
              + registered.size()
              + " model versions; a policy's pipeline must register exactly one");
    }
    ModelVersion challenger = registered.getFirst();
    ObjectNode detail = JSON.createObjectNode();
    detail.put("pipeline_run_id", runId);
    detail.set("challenger", describe(challenger));
    return advance(
        action,
        ActionChange.to(ActionState.GATING, "gating", actor(action), detail.toString())
            .withChallenger(challenger.id()));
  }

  /** The gate's figures, or why the gate cannot judge yet. */
  private record Verdict(Optional<ObjectNode> figures, Optional<String> waiting) {}

  private Optional<Action> gate(Action action, AutomationPolicy policy, Project project) {
    ModelVersion challenger =
        s.registry().versionById(action.challengerVersionId().orElseThrow()).orElse(null);
    ModelVersion champion =
        s.registry().versionById(action.championVersionId().orElseThrow()).orElse(null);
    if (challenger == null || champion == null) {
      return fail(action, "the champion or challenger model version was deleted");
    }
    Instant after = trainedOnDataUpTo(challenger);
    Verdict verdict;
    try {
      verdict = judge(action, policy, champion, challenger, after);
    } catch (IllegalArgumentException e) {
      return fail(action, "the gate cannot run the models: " + e.getMessage());
    }
    if (verdict.figures().isEmpty()) {
      Duration waited = Duration.between(action.stateSince(), clock.instant());
      if (waited.compareTo(policy.gate().maxWait()) > 0) {
        return fail(
            action,
            "gate: "
                + verdict.waiting().orElse("")
                + " after waiting "
                + Durations.format(policy.gate().maxWait()));
      }
      return Optional.empty();
    }
    ObjectNode figures = verdict.figures().get();
    boolean passed = figures.path("passed").asBoolean();
    String gateJson = figures.toString();
    String summary = gateSummary(policy, figures);
    if (!passed) {
      return advance(
          action,
          ActionChange.to(ActionState.REJECTED_BY_GATE, "gate-failed", actor(action), gateJson)
              .withGate(gateJson)
              .withReason(summary));
    }
    Optional<Deployment> deployment = deployment(project, policy);
    if (deployment.isEmpty()) {
      return fail(action, "deployment '" + policy.deployment() + "' does not exist any more");
    }
    boolean ask =
        switch (policy.approval()) {
          case NEVER -> false;
          case ALWAYS -> true;
          case PROD -> deployment.get().environment() == Environment.PROD;
        };
    if (ask) {
      return advance(
          action,
          ActionChange.to(ActionState.AWAITING_APPROVAL, "gate-passed", actor(action), gateJson)
              .withGate(gateJson)
              .withReason(summary + "; awaiting approval"));
    }
    Optional<Action> gated =
        advance(
            action,
            ActionChange.to(ActionState.GATING, "gate-passed", actor(action), gateJson)
                .withGate(gateJson)
                .withReason(summary));
    if (gated.isEmpty()) {
      return Optional.empty();
    }
    return startCanary(gated.get(), policy, project, "canary-started", actor(action), summary);
  }

  /*
   * When the newest data the challenger trained on was pushed: the creation of its training
   * dataset version, or, when the registry does not know it, of the version itself (no later
   * than any data it saw).
   */
  private Instant trainedOnDataUpTo(ModelVersion challenger) {
    return challenger
        .datasetVersionId()
        .flatMap(s.datasets()::versionById)
        .map(DatasetVersion::createdAt)
        .orElse(Instant.ofEpochMilli(challenger.creationTime()));
  }

  private Verdict judge(
      Action action,
      AutomationPolicy policy,
      ModelVersion champion,
      ModelVersion challenger,
      Instant after) {
    AutomationPolicy.Gate gate = policy.gate();
    ArrayDeque<LabelledPrediction> newest = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    Instant from = after;
    Instant to = clock.instant();
    int read = 0;
    while (read < AutomationPolicies.MAX_ROWS) {
      List<LabelledPrediction> page = s.labelled().between(action.deployment(), from, to, PAGE);
      int fresh = 0;
      for (LabelledPrediction p : page) {
        PredictionRecord r = p.prediction();
        if (!seen.add(r.predictionId())) {
          continue;
        }
        fresh++;
        read++;
        from = r.timestamp();
        if (p.label().isPresent() && r.timestamp().isAfter(after)) {
          newest.addLast(p);
          if (newest.size() > gate.rows()) {
            newest.removeFirst();
          }
        }
      }
      if (page.size() < PAGE || fresh == 0) {
        break;
      }
    }
    if (newest.size() < gate.minRows()) {
      return new Verdict(
          Optional.empty(),
          Optional.of(
              "only "
                  + newest.size()
                  + " labelled predictions of "
                  + action.deployment()
                  + " logged after "
                  + after
                  + ", the challenger's training data; min_rows is "
                  + gate.minRows()));
    }
    List<LabelledPrediction> rows = List.copyOf(newest);
    List<String> inputs = rows.stream().map(p -> p.prediction().inputs()).toList();
    Optional<RolloutQuality.Figure> championFigure =
        figure(gate, rows, s.offline().predict(champion, inputs));
    Optional<RolloutQuality.Figure> challengerFigure =
        figure(gate, rows, s.offline().predict(challenger, inputs));
    if (championFigure.isEmpty() || challengerFigure.isEmpty()) {
      throw new IllegalArgumentException(
          gate.metric().label()
              + " cannot be computed from the labels received for "
              + rows.size()
              + " predictions (do they fit the model's task?)");
    }
    double improvement =
        gate.improvement(championFigure.get().value(), challengerFigure.get().value());
    ObjectNode figures = JSON.createObjectNode();
    figures.put("metric", gate.metric().label());
    figures.put("rows", rows.size());
    figures.put("data_after", after.toString());
    figures.put("champion", championFigure.get().value());
    figures.put("challenger", challengerFigure.get().value());
    figures.put("improvement", improvement);
    figures.put("min_improvement", gate.minImprovement());
    figures.put("passed", improvement >= gate.minImprovement());
    return new Verdict(Optional.of(figures), Optional.empty());
  }

  private static Optional<RolloutQuality.Figure> figure(
      AutomationPolicy.Gate gate, List<LabelledPrediction> rows, List<String> outputs) {
    List<FeedbackRolloutQuality.Labelled> labelled = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      try {
        labelled.add(
            new FeedbackRolloutQuality.Labelled(
                JSON.readTree(outputs.get(i)), rows.get(i).label().orElseThrow()));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("the serving path wrote outputs that do not parse", e);
      }
    }
    return FeedbackRolloutQuality.metric(gate.metric().label(), labelled);
  }

  private static String gateSummary(AutomationPolicy policy, ObjectNode figures) {
    return String.format(
        java.util.Locale.ROOT,
        "gate %s: challenger %s %.4f vs champion %.4f on %d labelled predictions (improvement"
            + " %.4f, needed %.4f)",
        figures.path("passed").asBoolean() ? "passed" : "failed",
        policy.gate().metric().label(),
        figures.path("challenger").asDouble(),
        figures.path("champion").asDouble(),
        figures.path("rows").asInt(),
        figures.path("improvement").asDouble(),
        policy.gate().minImprovement());
  }

  private Optional<Action> startCanary(
      Action action,
      AutomationPolicy policy,
      Project project,
      String auditKind,
      String auditActor,
      String why) {
    ModelVersion challenger =
        s.registry().versionById(action.challengerVersionId().orElseThrow()).orElse(null);
    Optional<Deployment> deployment = deployment(project, policy);
    if (challenger == null || deployment.isEmpty()) {
      return fail(action, "the challenger or the deployment was deleted");
    }
    Deployment current = deployment.get();
    boolean started =
        current
            .current()
            .traffic()
            .candidate()
            .filter(c -> c.versionId().equals(challenger.id()))
            .isPresent();
    if (!started) {
      AutomationPolicy.Canary canary = policy.canary();
      RolloutPolicy rollout =
          new RolloutPolicy(
              canary.window(),
              canary.minRequests(),
              RolloutPolicy.DEFAULT_MIN_SUCCESS_RATE,
              RolloutPolicy.DEFAULT_MAX_P99_MILLIS,
              canary.maxQualityDrop(),
              canary.maxQualityDrop().isPresent()
                  ? Optional.of(policy.gate().metric().label())
                  : Optional.empty(),
              canary.failedWindows(),
              canary.bake(),
              RolloutPolicy.Promotion.AUTO);
      try {
        current =
            s.deployments()
                .startRollout(
                    project,
                    current,
                    challenger,
                    new Candidate(
                        challenger.id(), RolloutMode.CANARY, canary.percent(), Optional.empty()),
                    rollout,
                    "automation policy " + policy.name() + " action " + action.id() + ": " + why,
                    new Deployments.Actor(actor(action), true));
      } catch (Deployments.Refused e) {
        return fail(action, "the canary could not start: " + e.getMessage());
      }
    }
    ObjectNode detail = JSON.createObjectNode();
    detail.put("deployment", current.name());
    detail.put("revision", current.current().number());
    detail.put("percent", policy.canary().percent());
    detail.put("window", Durations.format(policy.canary().window()));
    detail.put("bake", Durations.format(policy.canary().bake()));
    detail.put("reason", why);
    return advance(
        action,
        ActionChange.to(ActionState.CANARY, auditKind, auditActor, detail.toString())
            .withRevision(current.current().number())
            .withReason(why));
  }

  private Optional<Action> followRollout(Action action, AutomationPolicy policy) {
    Optional<Deployment> deployment = s.deploymentRecords().get(action.deployment());
    if (deployment.isEmpty()) {
      return fail(action, "deployment '" + action.deployment() + "' was deleted");
    }
    int revision = action.rolloutRevision().orElseThrow();
    Revision current = deployment.get().current();
    if (current.number() == revision) {
      return Optional.empty();
    }
    String challenger = action.challengerVersionId().orElseThrow();
    String ended =
        s.deploymentRecords().history(action.deployment()).stream()
            .filter(r -> r.number() == revision + 1)
            .findFirst()
            .map(Revision::reason)
            .orElse(current.reason());
    ObjectNode detail = JSON.createObjectNode();
    detail.put("revision", current.number());
    detail.put("reason", ended);
    if (current.traffic().stableVersionId().equals(challenger)
        && current.traffic().candidate().isEmpty()) {
      policy.promoteAlias().ifPresent(alias -> moveAlias(action, alias, challenger, detail));
      return advance(
          action,
          ActionChange.to(ActionState.PROMOTED, "promoted", actor(action), detail.toString())
              .withReason(ended));
    }
    return advance(
        action,
        ActionChange.to(ActionState.ROLLED_BACK, "rolled-back", actor(action), detail.toString())
            .withReason(ended));
  }

  private void moveAlias(Action action, String alias, String versionId, ObjectNode detail) {
    Optional<ModelVersion> version = s.registry().versionById(versionId);
    if (version.isEmpty()) {
      return;
    }
    try {
      s.registry().setAlias(version.get().modelId(), alias, version.get().version(), actor(action));
      detail.put("alias", version.get().modelName() + "@" + alias);
    } catch (IllegalArgumentException e) {
      detail.put("alias_error", e.getMessage());
    }
  }

  // ---------------------------------------------------------------- helpers

  private Optional<Deployment> deployment(Project project, AutomationPolicy policy) {
    try {
      return s.deployments().existing(project, policy.deployment());
    } catch (Deployments.Refused e) {
      return Optional.empty();
    }
  }

  private Optional<Action> fail(Action action, String reason) {
    return advance(
        action,
        ActionChange.to(ActionState.FAILED, "failed", actor(action), detail("reason", reason))
            .withReason(reason));
  }

  /* Applies a change; when it wins, tells the incident of an alert-triggered action. */
  private Optional<Action> advance(Action action, ActionChange change) {
    Optional<Action> next = s.repository().advance(action, change, clock.instant());
    next.ifPresent(
        a -> {
          if (a.state() != action.state()) {
            note(a, a.state().wireName() + a.reason().map(r -> ": " + r).orElse(""));
          }
          LOG.info("automation action {} of {}: {}", a.id(), a.policy(), a.state().wireName());
        });
    return next;
  }

  private void note(Action action, String text) {
    if (action.trigger().incidentId().isEmpty()) {
      return;
    }
    try {
      s.alerts()
          .appendEvent(
              action.trigger().incidentId().get(),
              IncidentEvent.Kind.COMMENT,
              action.trigger().alertId(),
              "automation " + action.policy() + " action " + action.id() + ": " + text,
              actor(action),
              clock.instant());
    } catch (RuntimeException e) {
      LOG.warn("noting automation action {} on its incident failed", action.id(), e);
    }
  }

  /** The actor automation acts as for an action: {@code automation:<policy>}. */
  public static String actor(Action action) {
    return "automation:" + action.policy();
  }

  private Optional<ObjectNode> describeVersion(String versionId) {
    return s.registry().versionById(versionId).map(Automation::describe);
  }

  static ObjectNode describe(ModelVersion version) {
    ObjectNode node = JSON.createObjectNode();
    node.put("model", version.modelName());
    node.put("version", version.version());
    return node;
  }

  private static String detail(String key, String value) {
    ObjectNode node = JSON.createObjectNode();
    node.put(key, value);
    return node.toString();
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a policy's canonical form is plain JSON", e);
    }
  }

  /** The registered model of a version id, for views. */
  Optional<RegisteredModel> model(String modelId) {
    return s.registry().model(modelId);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
