package dev.tend.automations;

import static java.util.Objects.requireNonNull;

import dev.tend.store.ConflictException;
import dev.tend.store.Database;
import dev.tend.store.Ids;
import dev.tend.store.NotFoundException;
import dev.tend.store.internal.AuditWriter;
import dev.tend.store.internal.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/*
 * Starting an action checks the guardrails and inserts it in one transaction; the partial unique
 * index on open actions makes a second open action of a policy fail as a unique violation, which
 * start answers by recording a skipped action. An advance is an UPDATE on the seq read, so a lost
 * race writes nothing; the audit entry it appends is numbered from the trail's last entry, whose
 * row the UPDATE has locked.
 */
final class JdbiAutomationRepository implements AutomationRepository {
  private static final String POLICY_COLUMNS =
      "project_id, name, source, source_type, policy_json, deployment, version, created_at,"
          + " created_by, updated_at, updated_by";
  private static final String ACTION_COLUMNS =
      "id, project_id, policy, policy_version, deployment, state, seq, trigger_kind,"
          + " trigger_actor, trigger_reason, alert_id, incident_id, rule_name, pipeline_run_id,"
          + " champion_version_id, challenger_version_id, gate_json, rollout_revision, reason,"
          + " state_since, created_at, updated_at, finished_at";

  private final Database database;

  JdbiAutomationRepository(Database database) {
    this.database = requireNonNull(database, "database is null");
  }

  // ---------------------------------------------------------------- policies

  @Override
  public Put putPolicy(
      String projectId,
      String name,
      String source,
      String sourceType,
      String policyJson,
      String deployment,
      String actor) {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(name, "name is null");
    requireNonNull(source, "source is null");
    requireNonNull(sourceType, "sourceType is null");
    requireNonNull(policyJson, "policyJson is null");
    requireNonNull(deployment, "deployment is null");
    requireNonNull(actor, "actor is null");
    return database.write(
        handle -> {
          Instant now = database.now();
          Optional<StoredPolicy> before = findPolicy(handle, projectId, name);
          if (before.isPresent()
              && before.get().source().equals(source)
              && before.get().sourceType().equals(sourceType)) {
            return new Put(before.get(), PutResult.UNCHANGED);
          }
          if (before.isEmpty()) {
            handle
                .createUpdate(
                    "INSERT INTO automation_policies ("
                        + POLICY_COLUMNS
                        + ") VALUES (:project, :name, :source, :type, :json, :deployment, 1, :at,"
                        + " :by, :at, :by)")
                .bind("project", projectId)
                .bind("name", name)
                .bind("source", source)
                .bind("type", sourceType)
                .bind("json", policyJson)
                .bind("deployment", deployment)
                .bind("at", now.toEpochMilli())
                .bind("by", actor)
                .execute();
          } else {
            handle
                .createUpdate(
                    "UPDATE automation_policies SET source = :source, source_type = :type,"
                        + " policy_json = :json, deployment = :deployment, version = version + 1,"
                        + " updated_at = :at, updated_by = :by"
                        + " WHERE project_id = :project AND name = :name")
                .bind("project", projectId)
                .bind("name", name)
                .bind("source", source)
                .bind("type", sourceType)
                .bind("json", policyJson)
                .bind("deployment", deployment)
                .bind("at", now.toEpochMilli())
                .bind("by", actor)
                .execute();
          }
          AuditWriter.append(
              handle,
              now,
              actor,
              before.isEmpty() ? "automation-policy.create" : "automation-policy.update",
              projectId,
              "automation-policy/" + name,
              Map.of());
          return new Put(
              findPolicy(handle, projectId, name).orElseThrow(),
              before.isEmpty() ? PutResult.CREATED : PutResult.UPDATED);
        });
  }

  @Override
  public Optional<StoredPolicy> policy(String projectId, String name) {
    return database.read(handle -> findPolicy(handle, projectId, name));
  }

  @Override
  public List<StoredPolicy> policies(String projectId) {
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + POLICY_COLUMNS
                        + " FROM automation_policies WHERE project_id = :project ORDER BY name")
                .bind("project", projectId)
                .map((rs, ctx) -> policyRow(rs))
                .list());
  }

  @Override
  public List<StoredPolicy> allPolicies() {
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + POLICY_COLUMNS
                        + " FROM automation_policies ORDER BY project_id, name")
                .map((rs, ctx) -> policyRow(rs))
                .list());
  }

  @Override
  public void deletePolicy(String projectId, String name, String actor) {
    requireNonNull(actor, "actor is null");
    database.write(
        handle -> {
          int deleted =
              handle
                  .createUpdate(
                      "DELETE FROM automation_policies WHERE project_id = :project AND name = :name")
                  .bind("project", projectId)
                  .bind("name", name)
                  .execute();
          if (deleted == 0) {
            throw new NotFoundException("no automation policy named '" + name + "'");
          }
          AuditWriter.append(
              handle,
              database.now(),
              actor,
              "automation-policy.delete",
              projectId,
              "automation-policy/" + name,
              Map.of());
          return null;
        });
  }

  private static Optional<StoredPolicy> findPolicy(Handle handle, String projectId, String name) {
    return handle
        .createQuery(
            "SELECT "
                + POLICY_COLUMNS
                + " FROM automation_policies WHERE project_id = :project AND name = :name")
        .bind("project", projectId)
        .bind("name", name)
        .map((rs, ctx) -> policyRow(rs))
        .findOne();
  }

  private static StoredPolicy policyRow(ResultSet rs) throws SQLException {
    return new StoredPolicy(
        rs.getString("project_id"),
        rs.getString("name"),
        rs.getString("source"),
        rs.getString("source_type"),
        rs.getString("policy_json"),
        rs.getString("deployment"),
        rs.getInt("version"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        rs.getString("created_by"),
        Instant.ofEpochMilli(rs.getLong("updated_at")),
        rs.getString("updated_by"));
  }

  // ---------------------------------------------------------------- actions

  @Override
  public Action start(
      StoredPolicy policy, ActionTrigger trigger, Guardrails guardrails, Instant now) {
    requireNonNull(policy, "policy is null");
    requireNonNull(trigger, "trigger is null");
    requireNonNull(guardrails, "guardrails is null");
    requireNonNull(now, "now is null");
    try {
      return database.write(
          handle -> {
            Optional<String> skip = guardrail(handle, policy, guardrails, now);
            return insert(handle, policy, trigger, skip, now);
          });
    } catch (ConflictException e) {
      /* Another server opened an action of the policy between our check and insert. */
      return database.write(
          handle ->
              insert(
                  handle,
                  policy,
                  trigger,
                  Optional.of("an action of policy '" + policy.name() + "' is already open"),
                  now));
    }
  }

  /* Why the guardrails refuse a new action now; empty when they allow it. */
  private static Optional<String> guardrail(
      Handle handle, StoredPolicy policy, Guardrails guardrails, Instant now) {
    Optional<String> open =
        handle
            .createQuery(
                "SELECT id FROM automation_actions WHERE project_id = :project AND policy = :policy"
                    + " AND finished_at IS NULL")
            .bind("project", policy.projectId())
            .bind("policy", policy.name())
            .mapTo(String.class)
            .findFirst();
    if (open.isPresent()) {
      return Optional.of(
          "action " + open.get() + " of policy '" + policy.name() + "' is still open");
    }
    Optional<Long> last =
        handle
            .createQuery(
                "SELECT MAX(created_at) FROM automation_actions WHERE project_id = :project"
                    + " AND policy = :policy AND state <> 'skipped'")
            .bind("project", policy.projectId())
            .bind("policy", policy.name())
            .mapTo(Long.class)
            .findFirst();
    if (last.isPresent()
        && last.get() != null
        && now.toEpochMilli() - last.get() < guardrails.cooldown().toMillis()) {
      return Optional.of(
          "cooldown: the last action started at "
              + Instant.ofEpochMilli(last.get())
              + ", less than "
              + guardrails.cooldown().toSeconds()
              + "s ago");
    }
    long dayStart =
        now.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).toInstant().toEpochMilli();
    int today =
        handle
            .createQuery(
                "SELECT COUNT(*) FROM automation_actions WHERE project_id = :project"
                    + " AND policy = :policy AND state <> 'skipped' AND created_at >= :day")
            .bind("project", policy.projectId())
            .bind("policy", policy.name())
            .bind("day", dayStart)
            .mapTo(Integer.class)
            .one();
    if (today >= guardrails.maxPerDay()) {
      return Optional.of(
          "daily cap: "
              + today
              + " action"
              + (today == 1 ? "" : "s")
              + " started today (UTC), max_per_day is "
              + guardrails.maxPerDay());
    }
    return Optional.empty();
  }

  private Action insert(
      Handle handle,
      StoredPolicy policy,
      ActionTrigger trigger,
      Optional<String> skip,
      Instant now) {
    String id = Ids.next();
    ActionState state = skip.isPresent() ? ActionState.SKIPPED : ActionState.QUEUED;
    handle
        .createUpdate(
            "INSERT INTO automation_actions ("
                + ACTION_COLUMNS
                + ") VALUES (:id, :project, :policy, :version, :deployment, :state, 1, :kind,"
                + " :actor, :why, :alert, :incident, :rule, NULL, NULL, NULL, NULL, NULL,"
                + " :reason, :at, :at, :at, :finished)")
        .bind("id", id)
        .bind("project", policy.projectId())
        .bind("policy", policy.name())
        .bind("version", policy.version())
        .bind("deployment", policy.deployment())
        .bind("state", state.wireName())
        .bind("kind", trigger.kind().name().toLowerCase(java.util.Locale.ROOT))
        .bind("actor", trigger.actor())
        .bind("why", trigger.reason())
        .bind("alert", trigger.alertId().orElse(null))
        .bind("incident", trigger.incidentId().orElse(null))
        .bind("rule", trigger.rule().orElse(null))
        .bind("reason", skip.orElse(null))
        .bind("at", now.toEpochMilli())
        .bind("finished", skip.isPresent() ? now.toEpochMilli() : null)
        .execute();
    Map<String, Object> detail =
        skip.isPresent()
            ? Map.of("reason", skip.get(), "trigger", trigger.reason())
            : Map.of("trigger", trigger.reason(), "policy_version", policy.version());
    appendAudit(
        handle,
        id,
        1,
        skip.isPresent() ? "skipped" : "queued",
        now,
        trigger.actor(),
        Json.object(detail));
    return findAction(handle, id).orElseThrow();
  }

  @Override
  public Optional<Action> action(String projectId, String actionId) {
    return database.read(
        handle -> findAction(handle, actionId).filter(a -> a.projectId().equals(projectId)));
  }

  @Override
  public List<Action> actions(
      String projectId,
      Optional<String> policy,
      Optional<ActionState> state,
      Optional<String> beforeId,
      int limit) {
    return database.read(
        handle -> {
          StringBuilder sql =
              new StringBuilder(
                  "SELECT "
                      + ACTION_COLUMNS
                      + " FROM automation_actions WHERE project_id = :project");
          policy.ifPresent(p -> sql.append(" AND policy = :policy"));
          state.ifPresent(s -> sql.append(" AND state = :state"));
          beforeId.ifPresent(b -> sql.append(" AND id < :before"));
          sql.append(" ORDER BY id DESC LIMIT :limit");
          Query query =
              handle.createQuery(sql.toString()).bind("project", projectId).bind("limit", limit);
          policy.ifPresent(p -> query.bind("policy", p));
          state.ifPresent(s -> query.bind("state", s.wireName()));
          beforeId.ifPresent(b -> query.bind("before", b));
          return query.map((rs, ctx) -> actionRow(rs)).list();
        });
  }

  @Override
  public List<Action> openActions() {
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + ACTION_COLUMNS
                        + " FROM automation_actions WHERE finished_at IS NULL ORDER BY id")
                .map((rs, ctx) -> actionRow(rs))
                .list());
  }

  @Override
  public Optional<Action> advance(Action seen, ActionChange change, Instant now) {
    requireNonNull(seen, "seen is null");
    requireNonNull(change, "change is null");
    requireNonNull(now, "now is null");
    if (seen.state().finished()) {
      return Optional.empty();
    }
    return database.write(
        handle -> {
          boolean moved = change.next() != seen.state();
          int updated =
              handle
                  .createUpdate(
                      "UPDATE automation_actions SET state = :state, seq = seq + 1,"
                          + " pipeline_run_id = :run, champion_version_id = :champion,"
                          + " challenger_version_id = :challenger, gate_json = :gate,"
                          + " rollout_revision = :revision, reason = :reason,"
                          + " state_since = :since, updated_at = :at, finished_at = :finished"
                          + " WHERE id = :id AND seq = :seq")
                  .bind("state", change.next().wireName())
                  .bind("run", change.pipelineRunId().or(seen::pipelineRunId).orElse(null))
                  .bind(
                      "champion",
                      change.championVersionId().or(seen::championVersionId).orElse(null))
                  .bind(
                      "challenger",
                      change.challengerVersionId().or(seen::challengerVersionId).orElse(null))
                  .bind("gate", change.gateJson().or(seen::gateJson).orElse(null))
                  .bind(
                      "revision",
                      change.rolloutRevision().isPresent()
                          ? Integer.valueOf(change.rolloutRevision().getAsInt())
                          : seen.rolloutRevision().isPresent()
                              ? Integer.valueOf(seen.rolloutRevision().getAsInt())
                              : null)
                  .bind("reason", change.reason().or(seen::reason).orElse(null))
                  .bind("since", moved ? now.toEpochMilli() : seen.stateSince().toEpochMilli())
                  .bind("at", now.toEpochMilli())
                  .bind("finished", change.next().finished() ? now.toEpochMilli() : null)
                  .bind("id", seen.id())
                  .bind("seq", seen.seq())
                  .execute();
          if (updated == 0) {
            return Optional.<Action>empty();
          }
          int last =
              handle
                  .createQuery("SELECT MAX(seq) FROM automation_audit WHERE action_id = :id")
                  .bind("id", seen.id())
                  .mapTo(Integer.class)
                  .findFirst()
                  .orElse(0);
          appendAudit(
              handle,
              seen.id(),
              last + 1,
              change.auditKind(),
              now,
              change.actor(),
              change.detailJson());
          return findAction(handle, seen.id());
        });
  }

  @Override
  public List<AuditEntry> audit(String actionId) {
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT action_id, seq, kind, at, actor, detail_json FROM automation_audit"
                        + " WHERE action_id = :id ORDER BY seq")
                .bind("id", actionId)
                .map(
                    (rs, ctx) ->
                        new AuditEntry(
                            rs.getString("action_id"),
                            rs.getInt("seq"),
                            rs.getString("kind"),
                            Instant.ofEpochMilli(rs.getLong("at")),
                            rs.getString("actor"),
                            rs.getString("detail_json")))
                .list());
  }

  private static void appendAudit(
      Handle handle,
      String actionId,
      int seq,
      String kind,
      Instant at,
      String actor,
      String detail) {
    handle
        .createUpdate(
            "INSERT INTO automation_audit (action_id, seq, kind, at, actor, detail_json)"
                + " VALUES (:id, :seq, :kind, :at, :actor, :detail)")
        .bind("id", actionId)
        .bind("seq", seq)
        .bind("kind", kind)
        .bind("at", at.toEpochMilli())
        .bind("actor", actor)
        .bind("detail", detail)
        .execute();
  }

  private static Optional<Action> findAction(Handle handle, String id) {
    return handle
        .createQuery("SELECT " + ACTION_COLUMNS + " FROM automation_actions WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> actionRow(rs))
        .findOne();
  }

  private static Action actionRow(ResultSet rs) throws SQLException {
    String kind = rs.getString("trigger_kind");
    ActionTrigger trigger =
        new ActionTrigger(
            kind.equals("alert") ? ActionTrigger.Kind.ALERT : ActionTrigger.Kind.MANUAL,
            rs.getString("trigger_actor"),
            rs.getString("trigger_reason"),
            Optional.ofNullable(rs.getString("alert_id")),
            Optional.ofNullable(rs.getString("incident_id")),
            Optional.ofNullable(rs.getString("rule_name")));
    int revision = rs.getInt("rollout_revision");
    OptionalInt rolloutRevision = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(revision);
    long finished = rs.getLong("finished_at");
    Optional<Instant> finishedAt =
        rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(finished));
    return new Action(
        rs.getString("id"),
        rs.getString("project_id"),
        rs.getString("policy"),
        rs.getInt("policy_version"),
        rs.getString("deployment"),
        ActionState.fromWireName(rs.getString("state")).orElseThrow(),
        rs.getLong("seq"),
        trigger,
        Optional.ofNullable(rs.getString("pipeline_run_id")),
        Optional.ofNullable(rs.getString("champion_version_id")),
        Optional.ofNullable(rs.getString("challenger_version_id")),
        Optional.ofNullable(rs.getString("gate_json")),
        rolloutRevision,
        Optional.ofNullable(rs.getString("reason")),
        Instant.ofEpochMilli(rs.getLong("state_since")),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")),
        finishedAt);
  }
}
