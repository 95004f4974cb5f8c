package dev.tend.server.automation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.Principal;
import dev.tend.automation.AutomationPolicy;
import dev.tend.automation.AutomationPolicyException;
import dev.tend.automations.Action;
import dev.tend.automations.ActionState;
import dev.tend.automations.AuditEntry;
import dev.tend.automations.AutomationRepository;
import dev.tend.automations.StoredPolicy;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.ApiModule;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiCall;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.DocumentBody;
import dev.tend.server.http.FieldError;
import dev.tend.server.http.Page;
import dev.tend.server.http.PageRequest;
import dev.tend.server.http.ProblemCode;
import dev.tend.server.openapi.OpenApiDocument;
import dev.tend.store.Ids;
import dev.tend.store.Names;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Automation policies and actions over HTTP: policies are put as YAML ({@code application/yaml}) or
 * JSON and read back with their canonical form; actions are listed newest first, shown with their
 * audit trail, triggered by hand, approved and rejected. Writers need the maintainer role: a policy
 * deploys on its own. See docs/automation.md. Thread-safe.
 */
public final class AutomationApi implements ApiModule {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = "/projects/{project}/automation";

  private final ProjectRepository projects;
  private final Automation automation;
  private final AutomationRepository repository;
  private final RegistryRepository registry;

  public AutomationApi(ProjectRepository projects, Automation automation) {
    this.projects = requireNonNull(projects, "projects is null");
    this.automation = requireNonNull(automation, "automation is null");
    this.repository = automation.repository();
    this.registry = automation.registry();
  }

  @Override
  public void routes(ApiRoutes routes) {
    routes.get(BASE + "/policies", Access.READ, this::listPolicies);
    routes.put(BASE + "/policies/{name}", Access.MAINTAIN, this::putPolicy);
    routes.get(BASE + "/policies/{name}", Access.READ, this::getPolicy);
    routes.delete(BASE + "/policies/{name}", Access.MAINTAIN, this::deletePolicy);
    routes.post(BASE + "/policies/{name}/trigger", Access.MAINTAIN, this::trigger);
    routes.get(BASE + "/actions", Access.READ, this::listActions);
    routes.get(BASE + "/actions/{id}", Access.READ, this::getAction);
    routes.post(BASE + "/actions/{id}/approve", Access.MAINTAIN, this::approve);
    routes.post(BASE + "/actions/{id}/reject", Access.MAINTAIN, this::reject);
  }

  // ---------------------------------------------------------------- views

  record PolicyView(
      String name,
      int version,
      String deployment,
      String sourceType,
      JsonNode policy,
      Optional<String> source,
      Instant createdAt,
      String createdBy,
      Instant updatedAt,
      String updatedBy) {
    static PolicyView of(StoredPolicy p, boolean full) {
      JsonNode policy;
      try {
        policy = JSON.readTree(p.policyJson());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a stored policy's canonical JSON does not parse", e);
      }
      return new PolicyView(
          p.name(),
          p.version(),
          p.deployment(),
          p.sourceType(),
          policy,
          full ? Optional.of(p.source()) : Optional.empty(),
          p.createdAt(),
          p.createdBy(),
          p.updatedAt(),
          p.updatedBy());
    }
  }

  record TriggerView(
      String kind,
      String actor,
      String reason,
      Optional<String> alertId,
      Optional<String> incidentId,
      Optional<String> rule) {}

  record VersionView(String model, int version) {}

  record AuditView(int seq, String kind, Instant at, String actor, JsonNode detail) {
    static AuditView of(AuditEntry e) {
      JsonNode detail;
      try {
        detail = JSON.readTree(e.detailJson());
      } catch (JsonProcessingException x) {
        throw new IllegalStateException("a stored audit detail does not parse", x);
      }
      return new AuditView(e.seq(), e.kind(), e.at(), e.actor(), detail);
    }
  }

  record ActionView(
      String id,
      String policy,
      int policyVersion,
      String deployment,
      String state,
      TriggerView trigger,
      Optional<String> pipelineRunId,
      Optional<VersionView> champion,
      Optional<VersionView> challenger,
      Optional<JsonNode> gate,
      OptionalInt rolloutRevision,
      Optional<String> reason,
      Instant createdAt,
      Instant updatedAt,
      Optional<Instant> finishedAt,
      Optional<List<AuditView>> audit) {}

  private ActionView view(Action a, boolean full) {
    Optional<JsonNode> gate =
        a.gateJson()
            .map(
                g -> {
                  try {
                    return JSON.readTree(g);
                  } catch (JsonProcessingException e) {
                    throw new IllegalStateException("a stored gate does not parse", e);
                  }
                });
    return new ActionView(
        a.id(),
        a.policy(),
        a.policyVersion(),
        a.deployment(),
        a.state().wireName(),
        new TriggerView(
            a.trigger().kind().name().toLowerCase(Locale.ROOT),
            a.trigger().actor(),
            a.trigger().reason(),
            a.trigger().alertId(),
            a.trigger().incidentId(),
            a.trigger().rule()),
        a.pipelineRunId(),
        a.championVersionId().flatMap(this::version),
        a.challengerVersionId().flatMap(this::version),
        gate,
        a.rolloutRevision(),
        a.reason(),
        a.createdAt(),
        a.updatedAt(),
        a.finishedAt(),
        full
            ? Optional.of(repository.audit(a.id()).stream().map(AuditView::of).toList())
            : Optional.empty());
  }

  private Optional<VersionView> version(String id) {
    return registry
        .versionById(id)
        .map((ModelVersion v) -> new VersionView(v.modelName(), v.version()));
  }

  // ---------------------------------------------------------------- policies

  private void listPolicies(ApiCall call) {
    Project project = project(call);
    call.json(
        200,
        Map.of(
            "items",
            repository.policies(project.id()).stream().map(p -> PolicyView.of(p, false)).toList()));
  }

  private void putPolicy(ApiCall call) {
    Project project = project(call);
    String name = name(call);
    DocumentBody body = DocumentBody.read(call, "policy");
    String type = body.format();
    String text = body.text();
    if (text.isBlank()) {
      throw new ApiException.ValidationFailed(
          FieldError.body("", "the body is empty; send the policy as YAML or JSON"));
    }
    Automation.PolicyChange change;
    try {
      change = automation.putPolicy(project, name, text, type, actor(call));
    } catch (AutomationPolicyException e) {
      throw refused(e);
    } catch (Automation.Refused e) {
      throw refused(e);
    }
    call.json(
        change.result() == AutomationRepository.PutResult.CREATED ? 201 : 200,
        PolicyView.of(change.stored(), true));
  }

  private void getPolicy(ApiCall call) {
    Project project = project(call);
    call.json(200, PolicyView.of(policy(project, name(call)), true));
  }

  private void deletePolicy(ApiCall call) {
    Project project = project(call);
    StoredPolicy policy = policy(project, name(call));
    repository.deletePolicy(project.id(), policy.name(), actor(call));
    call.context().status(204);
  }

  private StoredPolicy policy(Project project, String name) {
    return repository
        .policy(project.id(), name)
        .orElseThrow(
            () ->
                new ApiException.NotFound(
                    "project '"
                        + project.name()
                        + "' has no automation policy named '"
                        + name
                        + "'"));
  }

  /** The body of trigger, approve and reject: why, in words. */
  record ReasonBody(Optional<String> reason) {
    ReasonBody {
      reason = reason == null ? Optional.empty() : reason;
    }
  }

  private void trigger(ApiCall call) {
    Project project = project(call);
    String name = name(call);
    policy(project, name);
    String reason = reason(call, false);
    Action action;
    try {
      action = automation.trigger(project, name, reason, actor(call));
    } catch (Automation.Refused e) {
      throw refused(e);
    }
    call.json(201, view(action, true));
  }

  // ---------------------------------------------------------------- actions

  private void listActions(ApiCall call) {
    Project project = project(call);
    PageRequest page = call.pageRequest();
    Optional<String> policy = call.queryParam("policy").filter(p -> !p.isEmpty());
    policy.ifPresent(
        p -> {
          if (!AutomationPolicy.NAME.matcher(p).matches()) {
            throw new ApiException.ValidationFailed(
                FieldError.query("policy", "'" + p + "' is not a policy name"));
          }
        });
    Optional<ActionState> state =
        call.queryParam("state")
            .filter(t -> !t.isEmpty())
            .map(
                t ->
                    ActionState.fromWireName(t)
                        .orElseThrow(
                            () ->
                                new ApiException.ValidationFailed(
                                    FieldError.query(
                                        "state",
                                        "state must be one of "
                                            + String.join(
                                                ", ",
                                                Arrays.stream(ActionState.values())
                                                    .map(ActionState::wireName)
                                                    .toList())
                                            + "; found '"
                                            + t
                                            + "'"))));
    List<Action> actions =
        repository.actions(project.id(), policy, state, page.after(), page.limit() + 1);
    Optional<String> next =
        actions.size() > page.limit()
            ? Optional.of(actions.get(page.limit() - 1).id())
            : Optional.empty();
    call.page(
        new Page<>(actions.stream().limit(page.limit()).map(a -> view(a, false)).toList(), next));
  }

  private void getAction(ApiCall call) {
    Project project = project(call);
    call.json(200, view(action(project, call.pathParam("id")), true));
  }

  private void approve(ApiCall call) {
    Project project = project(call);
    Action action = action(project, call.pathParam("id"));
    String reason = reason(call, false);
    try {
      call.json(200, view(automation.approve(project, action.id(), actor(call), reason), true));
    } catch (Automation.Refused e) {
      throw refused(e);
    }
  }

  private void reject(ApiCall call) {
    Project project = project(call);
    Action action = action(project, call.pathParam("id"));
    String reason = reason(call, true);
    try {
      call.json(200, view(automation.reject(project, action.id(), actor(call), reason), true));
    } catch (Automation.Refused e) {
      throw refused(e);
    }
  }

  private Action action(Project project, String id) {
    Optional<Action> action =
        Ids.isWellFormed(id) ? repository.action(project.id(), id) : Optional.empty();
    return action.orElseThrow(
        () ->
            new ApiException.NotFound(
                "project '"
                    + project.name()
                    + "' has no automation action with the id '"
                    + id
                    + "'"));
  }

  /* The optional {"reason": ...} body; an empty body is no reason. */
  private static String reason(ApiCall call, boolean required) {
    String reason = "";
    if (call.bodyBytes().length > 0) {
      ReasonBody body = call.body(ReasonBody.class);
      reason = body.reason().orElse("").trim();
    }
    if (reason.length() > 2_000) {
      throw new ApiException.ValidationFailed(
          FieldError.body("/reason", "a reason is at most 2000 characters"));
    }
    if (required && reason.isEmpty()) {
      throw new ApiException.ValidationFailed(
          FieldError.body("/reason", "say why: send {\"reason\": \"...\"}"));
    }
    return reason;
  }

  // ---------------------------------------------------------------- helpers

  /* Invalid YAML is a malformed request; a valid document that is not a valid policy, a 422. */
  private static ApiException refused(AutomationPolicyException e) {
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

  private static ApiException refused(Automation.Refused e) {
    return switch (e.kind()) {
      case NOT_FOUND -> new ApiException.NotFound(e.getMessage());
      case CONFLICT -> new ApiException.Conflict(e.getMessage());
      case INVALID ->
          new ApiException(
              ProblemCode.VALIDATION_FAILED,
              e.getMessage(),
              List.of(FieldError.body("/" + e.field().replace('.', '/'), e.getMessage())),
              Map.of(),
              e);
    };
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

  private static String name(ApiCall call) {
    String name = call.pathParam("name");
    if (!AutomationPolicy.NAME.matcher(name).matches()) {
      throw new ApiException.ValidationFailed(
          FieldError.path(
              "name",
              "a policy name is 1 to 100 lowercase letters, digits, '.', '_' or '-', starting with"
                  + " a letter or digit; found '"
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
    return OpenApiDocument.load(mapper, AutomationApi.class, "automation-openapi.json");
  }
}
