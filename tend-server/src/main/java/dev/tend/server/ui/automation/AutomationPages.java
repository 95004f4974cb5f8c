package dev.tend.server.ui.automation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.automation.AutomationPolicy;
import dev.tend.automations.Action;
import dev.tend.automations.ActionState;
import dev.tend.automations.AuditEntry;
import dev.tend.automations.StoredPolicy;
import dev.tend.pipeline.Durations;
import dev.tend.projects.Project;
import dev.tend.server.automation.Automation;
import dev.tend.server.http.Json;
import dev.tend.server.ui.Charts;
import dev.tend.server.ui.Formats;
import dev.tend.server.ui.Section;
import dev.tend.server.ui.UiArea;
import dev.tend.server.ui.UiCall;
import dev.tend.server.ui.UiException;
import dev.tend.server.ui.UiPaths;
import dev.tend.server.ui.UiResponse;
import dev.tend.server.ui.UiRoutes;
import dev.tend.store.Ids;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The automation of a project: its policies and recent actions, and each action's steps, gate
 * figures and audit trail, with the forms that approve or reject an action awaiting approval
 * through {@link Automation}, as the API does.
 */
public final class AutomationPages implements UiArea {
  /** The most actions listed on one page; a link leads to older ones. */
  static final int PAGE = 50;

  /** The longest reason a person may give. */
  static final int MAX_REASON = 2_000;

  private static final ObjectMapper JSON = Json.mapper();

  private final Automation automation;

  public AutomationPages(Automation automation) {
    this.automation = requireNonNull(automation, "automation is null");
  }

  /** A policy in words, one cell per part. */
  public record PolicyRow(
      String name,
      int version,
      String deployment,
      String triggers,
      String gate,
      String canary,
      String approval,
      String guardrails) {
    public PolicyRow {
      requireNonNull(name, "name is null");
      requireNonNull(deployment, "deployment is null");
      requireNonNull(triggers, "triggers is null");
      requireNonNull(gate, "gate is null");
      requireNonNull(canary, "canary is null");
      requireNonNull(approval, "approval is null");
      requireNonNull(guardrails, "guardrails is null");
    }
  }

  /** The model of {@code automation/list.jte}. */
  public record ListPage(
      String project, List<PolicyRow> policies, List<Action> actions, Optional<String> older) {
    public ListPage {
      requireNonNull(project, "project is null");
      policies = List.copyOf(requireNonNull(policies, "policies is null"));
      actions = List.copyOf(requireNonNull(actions, "actions is null"));
      requireNonNull(older, "older is null");
    }

    public String link(Action action) {
      return UiPaths.project(project, "automation", "actions", action.id());
    }

    public String badge(Action action) {
      return AutomationPages.badge(action.state());
    }
  }

  /** One step of an action's audit trail. */
  public record Step(int seq, String kind, String at, String actor, String detail, String cls) {
    public Step {
      requireNonNull(kind, "kind is null");
      requireNonNull(at, "at is null");
      requireNonNull(actor, "actor is null");
      requireNonNull(detail, "detail is null");
      requireNonNull(cls, "cls is null");
    }
  }

  /** What the gate measured: the metric of the champion and of the challenger, and the verdict. */
  public record Gate(
      String metric,
      String rows,
      String champion,
      String challenger,
      String improvement,
      String minImprovement,
      boolean passed,
      String chart) {
    public Gate {
      requireNonNull(metric, "metric is null");
      requireNonNull(rows, "rows is null");
      requireNonNull(champion, "champion is null");
      requireNonNull(challenger, "challenger is null");
      requireNonNull(improvement, "improvement is null");
      requireNonNull(minImprovement, "minImprovement is null");
      requireNonNull(chart, "chart is null");
    }
  }

  /** The model of {@code automation/action.jte}. */
  public record ActionPage(
      String project,
      Action action,
      String trigger,
      String champion,
      String challenger,
      Optional<Gate> gate,
      List<Step> steps,
      boolean mayDecide) {
    public ActionPage {
      requireNonNull(project, "project is null");
      requireNonNull(action, "action is null");
      requireNonNull(trigger, "trigger is null");
      requireNonNull(champion, "champion is null");
      requireNonNull(challenger, "challenger is null");
      requireNonNull(gate, "gate is null");
      steps = List.copyOf(requireNonNull(steps, "steps is null"));
    }

    public String path(String... more) {
      String[] names = new String[more.length + 2];
      names[0] = "actions";
      names[1] = action.id();
      System.arraycopy(more, 0, names, 2, more.length);
      return UiPaths.project(project, "automation", names);
    }

    public String badge() {
      return AutomationPages.badge(action.state());
    }

    public boolean awaitingApproval() {
      return action.state() == ActionState.AWAITING_APPROVAL;
    }

    public String deploymentLink() {
      return UiPaths.project(project, "deployments", action.deployment());
    }
  }

  @Override
  public void routes(UiRoutes routes) {
    routes.get("/projects/{project}/automation", this::list);
    routes.get("/projects/{project}/automation/actions/{id}", this::action);
    routes.post(
        "/projects/{project}/automation/actions/{id}/approve",
        dev.tend.access.Action.MAINTAIN,
        this::approve);
    routes.post(
        "/projects/{project}/automation/actions/{id}/reject",
        dev.tend.access.Action.MAINTAIN,
        this::reject);
  }

  // ---------------------------------------------------------------- pages

  private UiResponse list(UiCall call) {
    Project project = call.project();
    List<PolicyRow> policies = new ArrayList<>();
    for (StoredPolicy stored : automation.repository().policies(project.id())) {
      policies.add(row(stored, automation.policy(stored)));
    }
    Optional<String> before = call.query("before").filter(Ids::isWellFormed);
    List<Action> actions =
        automation
            .repository()
            .actions(project.id(), Optional.empty(), Optional.empty(), before, PAGE + 1);
    Optional<String> older =
        actions.size() > PAGE
            ? Optional.of(
                UiPaths.project(project.name(), "automation")
                    + "?before="
                    + UiPaths.query(actions.get(PAGE - 1).id()))
            : Optional.empty();
    return UiResponse.page(
        "automation/list.jte",
        call.chrome("Automation", Section.AUTOMATION),
        new ListPage(
            project.name(), policies, actions.subList(0, Math.min(PAGE, actions.size())), older));
  }

  private UiResponse action(UiCall call) {
    Project project = call.project();
    Action action = find(call, project);
    List<Step> steps = new ArrayList<>();
    for (AuditEntry e : automation.repository().audit(action.id())) {
      steps.add(
          new Step(e.seq(), e.kind(), Formats.time(e.at()), e.actor(), detail(e), cls(e.kind())));
    }
    String champion = action.championVersionId().map(this::label).orElse(Formats.NONE);
    String challenger = action.challengerVersionId().map(this::label).orElse(Formats.NONE);
    return UiResponse.page(
        "automation/action.jte",
        call.chrome("Action " + action.id(), Section.AUTOMATION),
        new ActionPage(
            project.name(),
            action,
            trigger(action),
            champion,
            challenger,
            action.gateJson().flatMap(g -> gate(g, champion, challenger)),
            steps,
            call.can(project.name(), dev.tend.access.Action.MAINTAIN)));
  }

  // ---------------------------------------------------------------- forms

  private UiResponse approve(UiCall call) {
    Project project = call.project();
    Action action = find(call, project);
    String reason = reason(call, false);
    Action after = decide(() -> automation.approve(project, action.id(), actor(call), reason));
    return UiResponse.redirect(
        UiPaths.project(project.name(), "automation", "actions", action.id()),
        "Approved action " + action.id() + "; it is now " + after.state().wireName());
  }

  private UiResponse reject(UiCall call) {
    Project project = call.project();
    Action action = find(call, project);
    String reason = reason(call, true);
    Action after = decide(() -> automation.reject(project, action.id(), actor(call), reason));
    return UiResponse.redirect(
        UiPaths.project(project.name(), "automation", "actions", action.id()),
        "Rejected action " + action.id() + "; it is now " + after.state().wireName());
  }

  private static Action decide(java.util.function.Supplier<Action> decision) {
    try {
      return decision.get();
    } catch (Automation.Refused e) {
      throw switch (e.kind()) {
        case NOT_FOUND -> UiException.notFound(e.getMessage());
        case CONFLICT -> UiException.conflict(e.getMessage());
        case INVALID -> UiException.of(422, e.getMessage());
      };
    }
  }

  private static String reason(UiCall call, boolean required) {
    String reason = call.formOptional("reason").orElse("").trim();
    if (reason.length() > MAX_REASON) {
      throw UiException.of(422, "a reason is at most " + MAX_REASON + " characters");
    }
    if (required && reason.isEmpty()) {
      throw UiException.of(422, "say why the action is rejected: the reason is required");
    }
    return reason;
  }

  /* The principal's name, as the API records who decided. */
  private static String actor(UiCall call) {
    return call.principal().map(p -> p.name()).orElse(call.actor());
  }

  // ---------------------------------------------------------------- views

  private Action find(UiCall call, Project project) {
    String id = call.path("id");
    Optional<Action> action =
        Ids.isWellFormed(id) ? automation.repository().action(project.id(), id) : Optional.empty();
    return action.orElseThrow(
        () ->
            UiException.notFound(
                "project '"
                    + project.name()
                    + "' has no automation action with the id '"
                    + id
                    + "'"));
  }

  static PolicyRow row(StoredPolicy stored, AutomationPolicy p) {
    String triggers =
        p.on().rules().isEmpty()
            ? "manual only"
            : "alerts "
                + String.join(", ", p.on().rules())
                + (p.on().severities().isEmpty()
                    ? ""
                    : " (" + String.join(", ", p.on().severities()) + ")");
    AutomationPolicy.Gate g = p.gate();
    String gate =
        g.metric().label()
            + " improves by ≥ "
            + Formats.number(g.minImprovement(), 3)
            + " on up to "
            + Formats.count(g.rows())
            + " labelled rows (at least "
            + Formats.count(g.minRows())
            + ", wait "
            + format(g.maxWait())
            + ")";
    AutomationPolicy.Canary c = p.canary();
    String canary =
        c.percent()
            + "% for "
            + c.windows()
            + " × "
            + format(c.window())
            + ", "
            + c.failedWindows()
            + " failed windows roll back";
    String guardrails =
        "cooldown "
            + format(p.guardrails().cooldown())
            + ", at most "
            + p.guardrails().maxPerDay()
            + " a day";
    return new PolicyRow(
        stored.name(),
        stored.version(),
        stored.deployment(),
        triggers,
        gate,
        canary,
        p.approval().label(),
        guardrails);
  }

  private static String trigger(Action action) {
    var t = action.trigger();
    StringBuilder text =
        new StringBuilder(t.kind().name().toLowerCase(java.util.Locale.ROOT))
            .append(" by ")
            .append(t.actor());
    t.rule().ifPresent(r -> text.append(", rule ").append(r));
    if (!t.reason().isBlank()) {
      text.append(": ").append(t.reason());
    }
    return text.toString();
  }

  private String label(String versionId) {
    return automation
        .registry()
        .versionById(versionId)
        .map(v -> v.modelName() + " v" + v.version())
        .orElse(versionId);
  }

  static Optional<Gate> gate(String json, String champion, String challenger) {
    JsonNode g;
    try {
      g = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
    if (!g.path("champion").isNumber() || !g.path("challenger").isNumber()) {
      return Optional.empty();
    }
    String metric = g.path("metric").asText("");
    double championValue = g.path("champion").asDouble();
    double challengerValue = g.path("challenger").asDouble();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put(metric, List.of(championValue, challengerValue));
    String chart =
        Charts.bars(
            "Gate: " + metric, List.of("champion " + champion, "challenger " + challenger), series);
    return Optional.of(
        new Gate(
            metric,
            Formats.count(g.path("rows").asLong()),
            Formats.number(championValue, 4),
            Formats.number(challengerValue, 4),
            Formats.number(g.path("improvement").asDouble(Double.NaN), 4),
            Formats.number(g.path("min_improvement").asDouble(Double.NaN), 4),
            g.path("passed").asBoolean(false),
            chart));
  }

  /*
   * An audit entry's detail in words: its fields as key: value, fractions to 4 significant digits,
   * nested ones as JSON.
   */
  private static String detail(AuditEntry e) {
    JsonNode node;
    try {
      node = JSON.readTree(e.detailJson());
    } catch (JsonProcessingException x) {
      return e.detailJson();
    }
    if (!node.isObject()) {
      return node.toString();
    }
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      JsonNode v = field.getValue();
      String text =
          v.isFloatingPointNumber()
              ? Formats.significant(v.asDouble(), 4)
              : v.isValueNode()
                  ? v.asText()
                  : v.has("model") && v.has("version")
                      ? v.path("model").asText() + " v" + v.path("version").asText()
                      : v.toString();
      parts.add(field.getKey() + ": " + text);
    }
    return String.join(" · ", parts);
  }

  private static String cls(String kind) {
    return switch (kind) {
      case "gate-passed", "approved", "promoted" -> "ok";
      case "gate-failed", "rejected", "rolled-back", "failed", "skipped" -> "bad";
      default -> "";
    };
  }

  static String badge(ActionState state) {
    return switch (state) {
      case PROMOTED -> "ok";
      case AWAITING_APPROVAL -> "warn";
      case ROLLED_BACK, REJECTED_BY_GATE, REJECTED, FAILED -> "bad";
      case SKIPPED -> "";
      case QUEUED, TRAINING, GATING, CANARY -> "info";
    };
  }

  private static String format(Duration duration) {
    return duration.isZero() ? "0s" : Durations.format(duration);
  }
}
