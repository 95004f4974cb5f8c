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
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

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
          handle
              .createUpdate(
                  "UPDATE deployments SET last_revision = last_revision + 1 WHERE id = :id")
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
              "deployment/" + name,
              auditDetails(before.environment(), revision));
          return new Deployment(
              before.id(),
              name,
              before.projectId(),
              before.environment(),
              before.createdAt(),
              before.createdBy(),
              revision);
        });
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
          String id =
              handle
                  .createQuery("SELECT id FROM deployments WHERE name = :name")
                  .bind("name", name)
                  .mapTo(String.class)
                  .findOne()
                  .orElseThrow(() -> noDeployment(name));
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
