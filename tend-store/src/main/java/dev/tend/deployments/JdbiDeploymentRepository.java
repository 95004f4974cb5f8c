package dev.tend.deployments;

import static java.util.Objects.requireNonNull;

import dev.tend.store.ConflictException;
import dev.tend.store.Database;
import dev.tend.store.Ids;
import dev.tend.store.Names;
import dev.tend.store.NotFoundException;
import dev.tend.store.internal.AuditWriter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/*
 * Concurrency. A change first increments the deployment's last_revision: on PostgreSQL that takes
 * the row lock until commit, on SQLite write transactions are serialized already, so concurrent
 * changes of one deployment get consecutive numbers. Creation relies on the UNIQUE name.
 */
final class JdbiDeploymentRepository implements DeploymentRepository {
  private static final String REVISION_COLUMNS =
      "r.deployment_id, r.revision, r.stable_version_id, r.candidate_version_id,"
          + " r.candidate_mode, r.candidate_percent, r.sticky_key, r.reason, r.created_at,"
          + " r.created_by";
  private static final String DEPLOYMENT_QUERY =
      "SELECT d.id, d.name, d.project_id, d.environment, d.created_at AS d_created_at,"
          + " d.created_by AS d_created_by, "
          + REVISION_COLUMNS
          + " FROM deployments d JOIN deployment_revisions r"
          + " ON r.deployment_id = d.id AND r.revision = d.last_revision";
  private static final String ROLLOUT_QUERY =
      "SELECT d.name, o.* FROM deployment_rollouts o JOIN deployments d ON d.id = o.deployment_id";
  private static final RowMapper<Rollout> ROLLOUT = (rs, ctx) -> rolloutRow(rs);
  private static final RowMapper<Revision> REVISION = (rs, ctx) -> revisionRow(rs);
  private static final RowMapper<Deployment> DEPLOYMENT =
      (rs, ctx) ->
          new Deployment(
              rs.getString("id"),
              rs.getString("name"),
              rs.getString("project_id"),
              Environment.fromWireName(rs.getString("environment")),
              Instant.ofEpochMilli(rs.getLong("d_created_at")),
              rs.getString("d_created_by"),
              revisionRow(rs));

  private final Database database;

  JdbiDeploymentRepository(Database database) {
    this.database = requireNonNull(database, "database is null");
  }

  @Override
  public Deployment create(
      String projectId,
      String name,
      Environment environment,
      Traffic traffic,
      String reason,
      String actor) {
    requireNonNull(projectId, "projectId is null");
    Names.requireValid("deployment", name);
    requireNonNull(environment, "environment is null");
    requireNonNull(traffic, "traffic is null");
    requireReason(reason);
    requireActor(actor);
    return database.write(
        handle -> {
          requireProject(handle, projectId);
          Optional<Deployment> existing = find(handle, name);
          if (existing.isPresent()) {
            throw new ConflictException(
                "a deployment named '"
                    + name
                    + "' already exists"
                    + (existing.get().projectId().equals(projectId) ? "" : " in another project"));
          }
          requireVersions(handle, projectId, traffic);
          String id = Ids.next();
          Instant now = database.now();
          handle
              .createUpdate(
                  "INSERT INTO deployments (id, name, project_id, environment, created_at,"
                      + " created_by, last_revision) VALUES (:id, :name, :project, :environment,"
                      + " :at, :by, 1)")
              .bind("id", id)
              .bind("name", name)
              .bind("project", projectId)
              .bind("environment", environment.wireName())
              .bind("at", now.toEpochMilli())
              .bind("by", actor)
              .execute();
          Revision revision = new Revision(id, 1, traffic, reason, now, actor);
          insertRevision(handle, revision);
          AuditWriter.append(
              handle,
              now,
              actor,
              "deployment.create",
              projectId,
              "deployment/" + name,
              auditDetails(environment, revision));
          return new Deployment(id, name, projectId, environment, now, actor, revision);
        });
  }

  @Override
  public Deployment update(String name, Traffic traffic, String reason, String actor) {
    requireNonNull(name, "name is null");
    requireNonNull(traffic, "traffic is null");
    requireReason(reason);
    requireActor(actor);
    return database.write(
        handle -> {
          /* Id, project and environment never change, so reading them before the lock is safe. */
          Deployment before = find(handle, name).orElseThrow(() -> noDeployment(name));
          requireVersions(handle, before.projectId(), traffic);
          Deployment after = appendRevision(handle, before, traffic, reason, actor);
          int deleted =
              handle
                  .createUpdate("DELETE FROM deployment_rollouts WHERE deployment_id = :id")
                  .bind("id", before.id())
                  .execute();
          if (deleted > 0) {
            appendEvent(
                handle,
                after,
                DeploymentEvent.Kind.ROLLOUT_SUPERSEDED,
                "the deployment was re-pointed" + (reason.isEmpty() ? "" : ": " + reason),
                actor);
          }
          return after;
        });
  }

  /* Locks the deployment's row by taking the next revision number. */
  private Deployment appendRevision(
      Handle handle, Deployment before, Traffic traffic, String reason, String actor) {
    handle
        .createUpdate("UPDATE deployments SET last_revision = last_revision + 1 WHERE id = :id")
        .bind("id", before.id())
        .execute();
    int number =
        handle
            .createQuery("SELECT last_revision FROM deployments WHERE id = :id")
            .bind("id", before.id())
            .mapTo(Integer.class)
            .one();
    Instant now = database.now();
    Revision revision = new Revision(before.id(), number, traffic, reason, now, actor);
    insertRevision(handle, revision);
    AuditWriter.append(
        handle,
        now,
        actor,
        "deployment.update",
        before.projectId(),
        "deployment/" + before.name(),
        auditDetails(before.environment(), revision));
    return new Deployment(
        before.id(),
        before.name(),
        before.projectId(),
        before.environment(),
        before.createdAt(),
        before.createdBy(),
        revision);
  }

  @Override
  public Optional<Deployment> get(String name) {
    requireNonNull(name, "name is null");
    return database.read(handle -> find(handle, name));
  }

  @Override
  public List<Deployment> list(String projectId) {
    requireNonNull(projectId, "projectId is null");
    return database.read(
        handle ->
            handle
                .createQuery(DEPLOYMENT_QUERY + " WHERE d.project_id = :project ORDER BY d.name")
                .bind("project", projectId)
                .map(DEPLOYMENT)
                .list());
  }

  @Override
  public List<Deployment> listAll() {
    return database.read(
        handle -> handle.createQuery(DEPLOYMENT_QUERY + " ORDER BY d.name").map(DEPLOYMENT).list());
  }

  @Override
  public List<Revision> history(String name) {
    requireNonNull(name, "name is null");
    return database.read(
        handle -> {
          String id = deploymentId(handle, name);
          return handle
              .createQuery(
                  "SELECT "
                      + REVISION_COLUMNS
                      + " FROM deployment_revisions r WHERE r.deployment_id = :id"
                      + " ORDER BY r.revision DESC")
              .bind("id", id)
              .map(REVISION)
              .list();
        });
  }

  // ---------------------------------------------------------------- rollouts

  @Override
  public Rollout startRollout(
      String name, Candidate candidate, RolloutPolicy policy, String reason, String actor) {
    requireNonNull(name, "name is null");
    requireNonNull(candidate, "candidate is null");
    requireNonNull(policy, "policy is null");
    requireReason(reason);
    requireActor(actor);
    return database.write(
        handle -> {
          Deployment before = find(handle, name).orElseThrow(() -> noDeployment(name));
          Traffic traffic =
              new Traffic(before.current().traffic().stableVersionId(), Optional.of(candidate));
          requireVersions(handle, before.projectId(), traffic);
          Deployment after = appendRevision(handle, before, traffic, reason, actor);
          /* Checked after taking the row lock, so two starts cannot both pass. */
          if (findRollout(handle, name).isPresent()) {
            throw new ConflictException(
                "deployment '" + name + "' has a rollout in progress; promote or roll it back");
          }
          Instant now = database.now();
          handle
              .createUpdate(
                  "INSERT INTO deployment_rollouts (deployment_id, revision, state,"
                      + " window_millis, min_requests, min_success_rate, max_p99_millis,"
                      + " max_quality_drop, quality_metric, failed_windows, bake_millis, promotion,"
                      + " started_at, started_by, bake_ends_at) VALUES (:id, :revision, :state,"
                      + " :window, :minRequests, :minSuccess, :maxP99, :maxDrop, :metric,"
                      + " :failedWindows, :bake, :promotion, :at, :by, :bakeEnds)")
              .bind("id", before.id())
              .bind("revision", after.current().number())
              .bind("state", RolloutState.IN_PROGRESS.wireName())
              .bind("window", policy.window().toMillis())
              .bind("minRequests", policy.minRequests())
              .bind("minSuccess", policy.minSuccessRate())
              .bind("maxP99", policy.maxP99Millis())
              .bind(
                  "maxDrop",
                  policy.maxQualityDrop().isPresent()
                      ? policy.maxQualityDrop().getAsDouble()
                      : null)
              .bind("metric", policy.qualityMetric().orElse(null))
              .bind("failedWindows", policy.failedWindows())
              .bind("bake", policy.bake().toMillis())
              .bind("promotion", policy.promotion().wireName())
              .bind("at", now.toEpochMilli())
              .bind("by", actor)
              .bind("bakeEnds", now.plus(policy.bake()).toEpochMilli())
              .execute();
          appendEvent(
              handle,
              after,
              DeploymentEvent.Kind.ROLLOUT_STARTED,
              candidate.mode().wireName()
                  + " of version "
                  + candidate.versionId()
                  + " at "
                  + candidate.percent()
                  + "%"
                  + (reason.isEmpty() ? "" : ": " + reason),
              actor);
          return findRollout(handle, name).orElseThrow();
        });
  }

  @Override
  public Optional<Rollout> rollout(String name) {
    requireNonNull(name, "name is null");
    return database.read(handle -> findRollout(handle, name));
  }

  @Override
  public List<Rollout> rollouts() {
    return database.read(
        handle -> handle.createQuery(ROLLOUT_QUERY + " ORDER BY d.name").map(ROLLOUT).list());
  }

  @Override
  public Deployment promote(String name, String reason, String actor) {
    return endByUser(name, Ending.PROMOTE, reason, actor);
  }

  @Override
  public Deployment rollback(String name, String reason, String actor) {
    return endByUser(name, Ending.ROLLBACK, reason, actor);
  }

  private Deployment endByUser(String name, Ending ending, String reason, String actor) {
    requireNonNull(name, "name is null");
    requireReason(reason);
    requireActor(actor);
    return database.write(
        handle -> {
          String id = find(handle, name).orElseThrow(() -> noDeployment(name)).id();
          lock(handle, id);
          /* Read again under the lock: the traffic may have changed since. */
          Deployment before = find(handle, name).orElseThrow(() -> noDeployment(name));
          Rollout rollout =
              findRollout(handle, name)
                  .orElseThrow(
                      () ->
                          new ConflictException(
                              "deployment '" + name + "' has no rollout in progress"));
          return end(handle, before, rollout, ending, reason, actor);
        });
  }

  @Override
  public Optional<Deployment> endRollout(Rollout seen, Ending ending, String reason) {
    requireNonNull(seen, "seen is null");
    requireNonNull(ending, "ending is null");
    requireReason(reason);
    return database.write(
        handle -> {
          lock(handle, seen.deploymentId());
          Optional<Deployment> before = find(handle, seen.deploymentName());
          Optional<Rollout> now = findRollout(handle, seen.deploymentName());
          if (before.isEmpty()
              || now.isEmpty()
              || !sameStep(now.get(), seen)
              || before.get().current().number() != seen.revision()) {
            return Optional.empty();
          }
          return Optional.of(
              end(handle, before.get(), now.get(), ending, reason, DeploymentEvent.CONTROLLER));
        });
  }

  private Deployment end(
      Handle handle,
      Deployment before,
      Rollout rollout,
      Ending ending,
      String reason,
      String actor) {
    Traffic traffic = before.current().traffic();
    Candidate candidate = traffic.candidate().orElseThrow();
    Traffic next =
        ending == Ending.PROMOTE
            ? Traffic.stable(candidate.versionId())
            : Traffic.stable(traffic.stableVersionId());
    handle
        .createUpdate("DELETE FROM deployment_rollouts WHERE deployment_id = :id")
        .bind("id", before.id())
        .execute();
    if (ending == Ending.PROMOTE
        && rollout.state() == RolloutState.AWAITING_APPROVAL
        && !actor.equals(DeploymentEvent.CONTROLLER)) {
      appendEvent(handle, before, DeploymentEvent.Kind.APPROVED, reason, actor);
    }
    Deployment after = appendRevision(handle, before, next, reason, actor);
    appendEvent(
        handle,
        after,
        ending == Ending.PROMOTE ? DeploymentEvent.Kind.PROMOTED : DeploymentEvent.Kind.ROLLED_BACK,
        reason,
        actor);
    return after;
  }

  @Override
  public Optional<Rollout> recordWindow(
      Rollout seen, Instant windowEnd, boolean failed, String verdict, boolean event) {
    requireNonNull(seen, "seen is null");
    requireNonNull(windowEnd, "windowEnd is null");
    requireNonNull(verdict, "verdict is null");
    return database.write(
        handle -> {
          Instant bakeEnds =
              failed
                  ? max(seen.bakeEndsAt(), windowEnd.plus(seen.policy().bake()))
                  : seen.bakeEndsAt();
          int updated =
              handle
                  .createUpdate(
                      "UPDATE deployment_rollouts SET windows_evaluated = windows_evaluated + 1,"
                          + " windows_failed = windows_failed + :failed,"
                          + " failing_streak = CASE WHEN :failed = 1 THEN failing_streak + 1"
                          + " ELSE 0 END,"
                          + " bake_ends_at = :bakeEnds,"
                          + " last_window_end = :windowEnd, last_verdict = :verdict"
                          + " WHERE deployment_id = :id AND revision = :revision"
                          + " AND windows_evaluated = :evaluated AND state = :state")
                  .bind("failed", failed ? 1 : 0)
                  .bind("bakeEnds", bakeEnds.toEpochMilli())
                  .bind("windowEnd", windowEnd.toEpochMilli())
                  .bind("verdict", verdict)
                  .bind("id", seen.deploymentId())
                  .bind("revision", seen.revision())
                  .bind("evaluated", seen.windowsEvaluated())
                  .bind("state", seen.state().wireName())
                  .execute();
          if (updated == 0) {
            return Optional.empty();
          }
          if (event) {
            Deployment d = find(handle, seen.deploymentName()).orElseThrow();
            appendEvent(
                handle,
                d,
                DeploymentEvent.Kind.WINDOW_EVALUATED,
                verdict,
                DeploymentEvent.CONTROLLER);
          }
          return findRollout(handle, seen.deploymentName());
        });
  }

  @Override
  public Optional<Rollout> awaitApproval(Rollout seen, String reason) {
    requireNonNull(seen, "seen is null");
    requireReason(reason);
    return database.write(
        handle -> {
          int updated =
              handle
                  .createUpdate(
                      "UPDATE deployment_rollouts SET state = :awaiting"
                          + " WHERE deployment_id = :id AND revision = :revision"
                          + " AND windows_evaluated = :evaluated AND state = :state")
                  .bind("awaiting", RolloutState.AWAITING_APPROVAL.wireName())
                  .bind("id", seen.deploymentId())
                  .bind("revision", seen.revision())
                  .bind("evaluated", seen.windowsEvaluated())
                  .bind("state", seen.state().wireName())
                  .execute();
          if (updated == 0) {
            return Optional.empty();
          }
          Deployment d = find(handle, seen.deploymentName()).orElseThrow();
          appendEvent(
              handle,
              d,
              DeploymentEvent.Kind.AWAITING_APPROVAL,
              reason,
              DeploymentEvent.CONTROLLER);
          return findRollout(handle, seen.deploymentName());
        });
  }

  @Override
  public List<DeploymentEvent> events(String name, int limit) {
    requireNonNull(name, "name is null");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    return database.read(
        handle -> {
          String id = deploymentId(handle, name);
          return handle
              .createQuery(
                  "SELECT deployment_id, seq, kind, revision, reason, created_at, created_by"
                      + " FROM deployment_events WHERE deployment_id = :id"
                      + " ORDER BY seq DESC LIMIT :limit")
              .bind("id", id)
              .bind("limit", limit)
              .map((rs, ctx) -> eventRow(rs))
              .list();
        });
  }

  /* Same rollout and the same step of it: nobody judged a window or ended it since. */
  private static boolean sameStep(Rollout now, Rollout seen) {
    return now.revision() == seen.revision()
        && now.windowsEvaluated() == seen.windowsEvaluated()
        && now.state() == seen.state();
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  @Override
  public List<NamedRevision> projectRevisions(
      String projectId, Optional<Environment> environment, Instant before) {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(before, "before is null");
    return database.read(
        handle -> {
          Query query =
              handle.createQuery(
                  "SELECT d.name, d.environment, "
                      + REVISION_COLUMNS
                      + " FROM deployments d JOIN deployment_revisions r ON r.deployment_id ="
                      + " d.id WHERE d.project_id = :project AND r.created_at < :before"
                      + (environment.isPresent() ? " AND d.environment = :environment" : "")
                      + " ORDER BY d.name, r.revision");
          query.bind("project", projectId).bind("before", before.toEpochMilli());
          environment.ifPresent(e -> query.bind("environment", e.wireName()));
          return query
              .map(
                  (rs, ctx) ->
                      new NamedRevision(
                          rs.getString("name"),
                          Environment.fromWireName(rs.getString("environment")),
                          revisionRow(rs)))
              .list();
        });
  }

  @Override
  public List<NamedEvent> projectEvents(
      String projectId,
      Optional<Environment> environment,
      DeploymentEvent.Kind kind,
      Instant from,
      Instant to) {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(kind, "kind is null");
    return database.read(
        handle -> {
          Query query =
              handle.createQuery(
                  "SELECT d.name, d.environment, e.deployment_id, e.seq, e.kind, e.revision,"
                      + " e.reason, e.created_at, e.created_by FROM deployments d"
                      + " JOIN deployment_events e ON e.deployment_id = d.id"
                      + " WHERE d.project_id = :project AND e.kind = :kind"
                      + " AND e.created_at >= :from AND e.created_at < :to"
                      + (environment.isPresent() ? " AND d.environment = :environment" : "")
                      + " ORDER BY e.created_at, d.name, e.seq");
          query
              .bind("project", projectId)
              .bind("kind", kind.wireName())
              .bind("from", from.toEpochMilli())
              .bind("to", to.toEpochMilli());
          environment.ifPresent(e -> query.bind("environment", e.wireName()));
          return query
              .map(
                  (rs, ctx) ->
                      new NamedEvent(
                          rs.getString("name"),
                          Environment.fromWireName(rs.getString("environment")),
                          eventRow(rs)))
              .list();
        });
  }

  /* Takes the deployment's row lock (PostgreSQL; SQLite serializes writers already). */
  private static void lock(Handle handle, String deploymentId) {
    handle
        .createUpdate("UPDATE deployments SET last_event = last_event WHERE id = :id")
        .bind("id", deploymentId)
        .execute();
  }

  private void appendEvent(
      Handle handle,
      Deployment deployment,
      DeploymentEvent.Kind kind,
      String reason,
      String actor) {
    handle
        .createUpdate("UPDATE deployments SET last_event = last_event + 1 WHERE id = :id")
        .bind("id", deployment.id())
        .execute();
    int seq =
        handle
            .createQuery("SELECT last_event FROM deployments WHERE id = :id")
            .bind("id", deployment.id())
            .mapTo(Integer.class)
            .one();
    String kept =
        reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) : reason;
    handle
        .createUpdate(
            "INSERT INTO deployment_events (deployment_id, seq, kind, revision, reason,"
                + " created_at, created_by) VALUES (:id, :seq, :kind, :revision, :reason, :at,"
                + " :by)")
        .bind("id", deployment.id())
        .bind("seq", seq)
        .bind("kind", kind.wireName())
        .bind("revision", deployment.current().number())
        .bind("reason", kept)
        .bind("at", database.now().toEpochMilli())
        .bind("by", actor)
        .execute();
  }

  private static Optional<Rollout> findRollout(Handle handle, String name) {
    return handle
        .createQuery(ROLLOUT_QUERY + " WHERE d.name = :name")
        .bind("name", name)
        .map(ROLLOUT)
        .findOne();
  }

  private static String deploymentId(Handle handle, String name) {
    return handle
        .createQuery("SELECT id FROM deployments WHERE name = :name")
        .bind("name", name)
        .mapTo(String.class)
        .findOne()
        .orElseThrow(() -> noDeployment(name));
  }

  // ---------------------------------------------------------------- rows

  private static Optional<Deployment> find(Handle handle, String name) {
    return handle
        .createQuery(DEPLOYMENT_QUERY + " WHERE d.name = :name")
        .bind("name", name)
        .map(DEPLOYMENT)
        .findOne();
  }

  private static void insertRevision(Handle handle, Revision revision) {
    Optional<Candidate> candidate = revision.traffic().candidate();
    handle
        .createUpdate(
            "INSERT INTO deployment_revisions (deployment_id, revision, stable_version_id,"
                + " candidate_version_id, candidate_mode, candidate_percent, sticky_key, reason,"
                + " created_at, created_by) VALUES (:deployment, :revision, :stable, :candidate,"
                + " :mode, :percent, :sticky, :reason, :at, :by)")
        .bind("deployment", revision.deploymentId())
        .bind("revision", revision.number())
        .bind("stable", revision.traffic().stableVersionId())
        .bind("candidate", candidate.map(Candidate::versionId).orElse(null))
        .bind("mode", candidate.map(c -> c.mode().wireName()).orElse(null))
        .bind("percent", candidate.map(Candidate::percent).orElse(null))
        .bind("sticky", candidate.flatMap(Candidate::stickyKey).orElse(null))
        .bind("reason", revision.reason())
        .bind("at", revision.createdAt().toEpochMilli())
        .bind("by", revision.createdBy())
        .execute();
  }

  private static Revision revisionRow(ResultSet rs) throws SQLException {
    String candidateId = rs.getString("candidate_version_id");
    Optional<Candidate> candidate =
        candidateId == null
            ? Optional.empty()
            : Optional.of(
                new Candidate(
                    candidateId,
                    RolloutMode.fromWireName(rs.getString("candidate_mode")),
                    rs.getInt("candidate_percent"),
                    Optional.ofNullable(rs.getString("sticky_key"))));
    return new Revision(
        rs.getString("deployment_id"),
        rs.getInt("revision"),
        new Traffic(rs.getString("stable_version_id"), candidate),
        rs.getString("reason"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        rs.getString("created_by"));
  }

  private static DeploymentEvent eventRow(ResultSet rs) throws SQLException {
    return new DeploymentEvent(
        rs.getString("deployment_id"),
        rs.getInt("seq"),
        DeploymentEvent.Kind.fromWireName(rs.getString("kind")),
        rs.getInt("revision"),
        rs.getString("reason"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        rs.getString("created_by"));
  }

  private static Rollout rolloutRow(ResultSet rs) throws SQLException {
    double maxDrop = rs.getDouble("max_quality_drop");
    boolean noDrop = rs.wasNull();
    long lastWindowEnd = rs.getLong("last_window_end");
    boolean noWindow = rs.wasNull();
    RolloutPolicy policy =
        new RolloutPolicy(
            Duration.ofMillis(rs.getLong("window_millis")),
            rs.getInt("min_requests"),
            rs.getDouble("min_success_rate"),
            rs.getLong("max_p99_millis"),
            noDrop ? OptionalDouble.empty() : OptionalDouble.of(maxDrop),
            Optional.ofNullable(rs.getString("quality_metric")),
            rs.getInt("failed_windows"),
            Duration.ofMillis(rs.getLong("bake_millis")),
            RolloutPolicy.Promotion.fromWireName(rs.getString("promotion")));
    return new Rollout(
        rs.getString("deployment_id"),
        rs.getString("name"),
        rs.getInt("revision"),
        RolloutState.fromWireName(rs.getString("state")),
        policy,
        Instant.ofEpochMilli(rs.getLong("started_at")),
        rs.getString("started_by"),
        Instant.ofEpochMilli(rs.getLong("bake_ends_at")),
        rs.getInt("windows_evaluated"),
        rs.getInt("windows_failed"),
        rs.getInt("failing_streak"),
        noWindow ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lastWindowEnd)),
        Optional.ofNullable(rs.getString("last_verdict")));
  }

  private static Map<String, Object> auditDetails(Environment environment, Revision revision) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("revision", revision.number());
    details.put("environment", environment.wireName());
    details.put("stable", revision.traffic().stableVersionId());
    revision
        .traffic()
        .candidate()
        .ifPresent(
            c -> {
              details.put("candidate", c.versionId());
              details.put("mode", c.mode().wireName());
              details.put("percent", c.percent());
              c.stickyKey().ifPresent(k -> details.put("stickyKey", k));
            });
    details.put("reason", revision.reason());
    return details;
  }

  // ---------------------------------------------------------------- checks

  private static void requireVersions(Handle handle, String projectId, Traffic traffic) {
    requireVersion(handle, projectId, traffic.stableVersionId());
    traffic.candidate().ifPresent(c -> requireVersion(handle, projectId, c.versionId()));
  }

  private static void requireVersion(Handle handle, String projectId, String versionId) {
    boolean found =
        handle
            .createQuery(
                "SELECT v.id FROM model_versions v JOIN registered_models m ON m.id = v.model_id"
                    + " WHERE v.id = :version AND m.project_id = :project"
                    + " AND v.current_stage <> 'Deleted_Internal'")
            .bind("version", versionId)
            .bind("project", projectId)
            .mapTo(String.class)
            .findOne()
            .isPresent();
    if (!found) {
      throw new IllegalArgumentException(
          "no model version with id " + versionId + " in the deployment's project");
    }
  }

  private static void requireProject(Handle handle, String projectId) {
    if (handle
        .createQuery("SELECT id FROM projects WHERE id = :id")
        .bind("id", projectId)
        .mapTo(String.class)
        .findOne()
        .isEmpty()) {
      throw new NotFoundException("no project with id " + projectId);
    }
  }

  private static void requireReason(String reason) {
    requireNonNull(reason, "reason is null");
    if (reason.length() > MAX_REASON_LENGTH) {
      throw new IllegalArgumentException(
          "reason must be at most " + MAX_REASON_LENGTH + " characters, got " + reason.length());
    }
  }

  private static void requireActor(String actor) {
    requireNonNull(actor, "actor is null");
    if (actor.isBlank() || actor.length() > 128) {
      throw new IllegalArgumentException("actor must be 1 to 128 characters");
    }
  }

  private static NotFoundException noDeployment(String name) {
    return new NotFoundException("no deployment named '" + Names.printable(name) + "'");
  }
}
