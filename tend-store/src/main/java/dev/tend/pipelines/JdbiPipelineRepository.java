package dev.tend.pipelines;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tend.store.ConflictException;
import dev.tend.store.Database;
import dev.tend.store.Ids;
import dev.tend.store.Names;
import dev.tend.store.NotFoundException;
import dev.tend.store.Page;
import dev.tend.store.StoreException;
import dev.tend.store.internal.AuditWriter;
import dev.tend.store.internal.Pages;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/*
 * Concurrency. Every change to a run or its steps begins by updating the run's row: on PostgreSQL
 * that takes the row lock until commit, on SQLite write transactions are serialized already (BEGIN
 * IMMEDIATE). Fenced calls put the lease check in that first UPDATE's WHERE, so a claim by another
 * process either commits before (the check fails: LeaseLostException, nothing changed) or waits
 * for the fenced transaction to commit (and then sees its effect). Claims are conditional UPDATEs
 * that PostgreSQL re-evaluates after waiting for a competing claim, so exactly one wins. Locks are
 * always taken run first, then steps, so transactions on one run cannot deadlock.
 */
final class JdbiPipelineRepository implements PipelineRepository {
  /** How many due runs a claim tries, in order, before giving up to competing processes. */
  private static final int CLAIM_CANDIDATES = 8;

  private static final String SYSTEM_ACTOR = "system";
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private static final String DEFINITION_COLUMNS =
      "d.project_id, d.name, d.version, d.yaml, d.files_json, d.sha256, d.created_at,"
          + " d.created_by";
  private static final RowMapper<PipelineDefinition> DEFINITION =
      (rs, ctx) ->
          new PipelineDefinition(
              rs.getString("project_id"),
              rs.getString("name"),
              rs.getInt("version"),
              rs.getString("yaml"),
              readMap(rs.getString("files_json")),
              rs.getString("sha256"),
              Instant.ofEpochMilli(rs.getLong("created_at")),
              rs.getString("created_by"));
  /* The newest version of each pipeline: versions are deleted all at once, never singly. */
  private static final String LATEST_DEFINITIONS =
      "SELECT "
          + DEFINITION_COLUMNS
          + " FROM pipeline_definitions d WHERE d.version = (SELECT MAX(l.version) FROM"
          + " pipeline_definitions l WHERE l.project_id = d.project_id AND l.name = d.name)";

  private static final String RUN_COLUMNS =
      "id, project_id, pipeline_name, definition_version, yaml, files_json, params_json,"
          + " trigger_kind, trigger_detail, trigger_key, code_version, status, reason,"
          + " cancel_requested, created_at, created_by, not_before, started_at, finished_at,"
          + " lease_owner, lease_expires_at, tracking_run_id";
  private static final RowMapper<PipelineRun> RUN = (rs, ctx) -> runRow(rs);

  private static final String STEP_COLUMNS =
      "run_id, step_id, position, kind, status, attempts, started_at, finished_at, outputs,"
          + " reason, wall_millis, cpu_millis, peak_memory_bytes, tracking_run_id,"
          + " dropped_log_lines";
  private static final RowMapper<StepRun> STEP =
      (rs, ctx) ->
          new StepRun(
              rs.getString("run_id"),
              rs.getString("step_id"),
              rs.getInt("position"),
              rs.getString("kind"),
              StepStatus.valueOf(rs.getString("status")),
              rs.getInt("attempts"),
              optionalInstant(rs, "started_at"),
              optionalInstant(rs, "finished_at"),
              rs.getString("outputs"),
              Optional.ofNullable(rs.getString("reason")),
              new ResourceUse(
                  rs.getLong("wall_millis"),
                  rs.getLong("cpu_millis"),
                  rs.getLong("peak_memory_bytes")),
              Optional.ofNullable(rs.getString("tracking_run_id")),
              rs.getLong("dropped_log_lines"));

  private static final RowMapper<LogLine> LOG_LINE =
      (rs, ctx) ->
          new LogLine(
              rs.getLong("seq"),
              rs.getString("step_id"),
              Instant.ofEpochMilli(rs.getLong("at")),
              rs.getString("stream"),
              rs.getString("text"));

  private final Database database;

  JdbiPipelineRepository(Database database) {
    this.database = requireNonNull(database, "database is null");
  }

  // ---------------------------------------------------------------- definitions

  @Override
  public PipelineDefinition apply(
      String projectId, String name, String yaml, Map<String, String> files, String actor) {
    requireNonNull(projectId, "projectId is null");
    PipelineRules.requirePipelineName(name);
    PipelineRules.requireText("pipeline YAML", yaml);
    requireNonNull(files, "files is null");
    PipelineRules.requireFiles(files);
    PipelineRules.requireActor(actor);
    String sha256 = contentHash(yaml, files);
    String filesJson = writeMap(files);
    return database.write(
        handle -> {
          requireProject(handle, projectId);
          handle
              .createUpdate(
                  "INSERT INTO pipelines (project_id, name) VALUES (:project, :name)"
                      + " ON CONFLICT (project_id, name) DO NOTHING")
              .bind("project", projectId)
              .bind("name", name)
              .execute();
          handle
              .createUpdate(
                  "UPDATE pipelines SET last_version = last_version"
                      + " WHERE project_id = :project AND name = :name")
              .bind("project", projectId)
              .bind("name", name)
              .execute();
          Optional<PipelineDefinition> latest = findLatest(handle, projectId, name);
          if (latest.isPresent() && latest.get().sha256().equals(sha256)) {
            return latest.get();
          }
          handle
              .createUpdate(
                  "UPDATE pipelines SET last_version = last_version + 1"
                      + " WHERE project_id = :project AND name = :name")
              .bind("project", projectId)
              .bind("name", name)
              .execute();
          int version =
              handle
                  .createQuery(
                      "SELECT last_version FROM pipelines"
                          + " WHERE project_id = :project AND name = :name")
                  .bind("project", projectId)
                  .bind("name", name)
                  .mapTo(Integer.class)
                  .one();
          Instant now = database.now();
          handle
              .createUpdate(
                  "INSERT INTO pipeline_definitions (project_id, name, version, yaml, files_json,"
                      + " sha256, created_at, created_by) VALUES (:project, :name, :version,"
                      + " :yaml, :files, :sha256, :at, :by)")
              .bind("project", projectId)
              .bind("name", name)
              .bind("version", version)
              .bind("yaml", yaml)
              .bind("files", filesJson)
              .bind("sha256", sha256)
              .bind("at", now.toEpochMilli())
              .bind("by", actor)
              .execute();
          AuditWriter.append(
              handle,
              now,
              actor,
              "pipeline.apply",
              projectId,
              "pipeline/" + name,
              Map.of("version", version, "sha256", sha256, "files", files.size()));
          return new PipelineDefinition(projectId, name, version, yaml, files, sha256, now, actor);
        });
  }

  @Override
  public Optional<PipelineDefinition> definition(String projectId, String name) {
    requireNonNull(projectId, "projectId is null");
    PipelineRules.requirePipelineName(name);
    return database.read(handle -> findLatest(handle, projectId, name));
  }

  @Override
  public Optional<PipelineDefinition> definition(String projectId, String name, int version) {
    requireNonNull(projectId, "projectId is null");
    PipelineRules.requirePipelineName(name);
    return database.read(handle -> findDefinition(handle, projectId, name, version));
  }

  @Override
  public List<PipelineDefinition> definitions(String projectId) {
    requireNonNull(projectId, "projectId is null");
    return database.read(
        handle ->
            handle
                .createQuery(LATEST_DEFINITIONS + " AND d.project_id = :project ORDER BY d.name")
                .bind("project", projectId)
                .map(DEFINITION)
                .list());
  }

  @Override
  public List<PipelineDefinition> allDefinitions() {
    return database.read(
        handle ->
            handle
                .createQuery(LATEST_DEFINITIONS + " ORDER BY d.project_id, d.name")
                .map(DEFINITION)
                .list());
  }

  @Override
  public void deleteDefinition(String projectId, String name, String actor) {
    requireNonNull(projectId, "projectId is null");
    PipelineRules.requirePipelineName(name);
    PipelineRules.requireActor(actor);
    database.write(
        handle -> {
          handle
              .createUpdate(
                  "UPDATE pipelines SET last_version = last_version"
                      + " WHERE project_id = :project AND name = :name")
              .bind("project", projectId)
              .bind("name", name)
              .execute();
          int deleted =
              handle
                  .createUpdate(
                      "DELETE FROM pipeline_definitions"
                          + " WHERE project_id = :project AND name = :name")
                  .bind("project", projectId)
                  .bind("name", name)
                  .execute();
          if (deleted == 0) {
            throw new NotFoundException("no pipeline named " + name + " in project " + projectId);
          }
          handle
              .createUpdate(
                  "DELETE FROM pipeline_trigger_cursors"
                      + " WHERE project_id = :project AND pipeline_name = :name")
              .bind("project", projectId)
              .bind("name", name)
              .execute();
          AuditWriter.append(
              handle,
              database.now(),
              actor,
              "pipeline.delete",
              projectId,
              "pipeline/" + name,
              Map.of("versions", deleted));
          return null;
        });
  }

  private static Optional<PipelineDefinition> findLatest(
      Handle handle, String projectId, String name) {
    return handle
        .createQuery(
            "SELECT "
                + DEFINITION_COLUMNS
                + " FROM pipeline_definitions d WHERE d.project_id = :project AND d.name = :name"
                + " ORDER BY d.version DESC LIMIT 1")
        .bind("project", projectId)
        .bind("name", name)
        .map(DEFINITION)
        .findOne();
  }

  private static Optional<PipelineDefinition> findDefinition(
      Handle handle, String projectId, String name, int version) {
    return handle
        .createQuery(
            "SELECT "
                + DEFINITION_COLUMNS
                + " FROM pipeline_definitions d WHERE d.project_id = :project AND d.name = :name"
                + " AND d.version = :version")
        .bind("project", projectId)
        .bind("name", name)
        .bind("version", version)
        .map(DEFINITION)
        .findOne();
  }

  /*
   * SHA-256 over the YAML, then each file's path and text in path order, each as its UTF-8 length
   * (8 bytes, big-endian) followed by its bytes, so no two different contents share an encoding.
   */
  static String contentHash(String yaml, Map<String, String> files) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    hashField(digest, yaml);
    new TreeMap<>(files)
        .forEach(
            (path, text) -> {
              hashField(digest, path);
              hashField(digest, text);
            });
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void hashField(MessageDigest digest, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    digest.update(ByteBuffer.allocate(Long.BYTES).putLong(bytes.length).array());
    digest.update(bytes);
  }

  // ---------------------------------------------------------------- runs

  @Override
  public PipelineRun enqueue(NewPipelineRun run) {
    requireNonNull(run, "run is null");
    PipelineRules.requirePipelineName(run.pipelineName());
    run.definitionVersion()
        .ifPresent(
            v -> {
              if (v < 1) {
                throw new IllegalArgumentException("a definition version is at least 1, got " + v);
              }
            });
    PipelineRules.requireText("pipeline YAML", run.yaml());
    PipelineRules.requireFiles(run.files());
    PipelineRules.requireParams(run.params());
    PipelineRules.requireText("trigger detail", run.trigger().detail());
    run.trigger().key().ifPresent(PipelineRules::requireTriggerKey);
    run.codeVersion().ifPresent(PipelineRules::requireCodeVersion);
    PipelineRules.requireSteps(run.steps());
    PipelineRules.requireActor(run.actor());
    Optional<String> key = run.trigger().key();
    if (key.isPresent()) {
      Optional<PipelineRun> existing = runWithKey(run.projectId(), run.pipelineName(), key.get());
      if (existing.isPresent()) {
        return existing.get();
      }
    }
    try {
      return database.write(handle -> insertRun(handle, run));
    } catch (ConflictException e) {
      // Another process enqueued the same key between the look-up and the insert.
      if (key.isPresent()) {
        Optional<PipelineRun> existing = runWithKey(run.projectId(), run.pipelineName(), key.get());
        if (existing.isPresent()) {
          return existing.get();
        }
      }
      throw e;
    }
  }

  private PipelineRun insertRun(Handle handle, NewPipelineRun run) {
    requireProject(handle, run.projectId());
    if (run.definitionVersion().isPresent()
        && findDefinition(
                handle, run.projectId(), run.pipelineName(), run.definitionVersion().getAsInt())
            .isEmpty()) {
      throw new NotFoundException(
          "pipeline "
              + run.pipelineName()
              + " has no version "
              + run.definitionVersion().getAsInt()
              + " in project "
              + run.projectId());
    }
    String id = Ids.next();
    long now = database.now().toEpochMilli();
    handle
        .createUpdate(
            "INSERT INTO pipeline_runs (id, project_id, pipeline_name, definition_version, yaml,"
                + " files_json, params_json, trigger_kind, trigger_detail, trigger_key,"
                + " code_version, status, cancel_requested, created_at, created_by, not_before)"
                + " VALUES (:id, :project, :name, :definition, :yaml, :files, :params, :kind,"
                + " :detail, :key, :code, 'QUEUED', :cancel, :now, :by, :now)")
        .bind("id", id)
        .bind("project", run.projectId())
        .bind("name", run.pipelineName())
        .bind(
            "definition",
            run.definitionVersion().isPresent() ? run.definitionVersion().getAsInt() : null)
        .bind("yaml", run.yaml())
        .bind("files", writeMap(run.files()))
        .bind("params", writeMap(run.params()))
        .bind("kind", run.trigger().kind().name())
        .bind("detail", run.trigger().detail())
        .bind("key", run.trigger().key().orElse(null))
        .bind("code", run.codeVersion().orElse(null))
        .bind("cancel", false)
        .bind("now", now)
        .bind("by", run.actor())
        .execute();
    PreparedBatch steps =
        handle.prepareBatch(
            "INSERT INTO pipeline_steps (run_id, step_id, position, kind, status)"
                + " VALUES (:run, :step, :position, :kind, 'PENDING')");
    for (int i = 0; i < run.steps().size(); i++) {
      NewPipelineRun.NewStep step = run.steps().get(i);
      steps
          .bind("run", id)
          .bind("step", step.stepId())
          .bind("position", i)
          .bind("kind", step.kind())
          .add();
    }
    steps.execute();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("pipeline", run.pipelineName());
    details.put("trigger", run.trigger().kind().name());
    run.trigger().key().ifPresent(k -> details.put("triggerKey", k));
    AuditWriter.append(
        handle,
        Instant.ofEpochMilli(now),
        run.actor(),
        "pipeline.run.enqueue",
        run.projectId(),
        "pipeline_run/" + id,
        details);
    return requireRun(handle, id);
  }

  private Optional<PipelineRun> runWithKey(String projectId, String pipelineName, String key) {
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + RUN_COLUMNS
                        + " FROM pipeline_runs WHERE project_id = :project"
                        + " AND pipeline_name = :name AND trigger_key = :key")
                .bind("project", projectId)
                .bind("name", pipelineName)
                .bind("key", key)
                .map(RUN)
                .findOne());
  }

  @Override
  public Optional<PipelineRun> run(String runId) {
    PipelineRules.requireRunId(runId);
    return database.read(handle -> findRun(handle, runId));
  }

  @Override
  public List<QueuedRun> runsQueued(String projectId, Instant from, Instant to) {
    requireNonNull(projectId, "projectId is null");
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT id, pipeline_name, trigger_kind, created_at, created_by"
                        + " FROM pipeline_runs WHERE project_id = :project"
                        + " AND created_at >= :from AND created_at < :to ORDER BY created_at, id")
                .bind("project", projectId)
                .bind("from", from.toEpochMilli())
                .bind("to", to.toEpochMilli())
                .map(
                    (rs, ctx) ->
                        new QueuedRun(
                            rs.getString("id"),
                            rs.getString("pipeline_name"),
                            RunTrigger.Kind.valueOf(rs.getString("trigger_kind")),
                            Instant.ofEpochMilli(rs.getLong("created_at")),
                            rs.getString("created_by")))
                .list());
  }

  @Override
  public Page<PipelineRun> runs(
      String projectId,
      Optional<String> pipelineName,
      Optional<PipelineRunStatus> status,
      int maxResults,
      Optional<String> cursor) {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(pipelineName, "pipelineName is null");
    requireNonNull(status, "status is null");
    requireNonNull(cursor, "cursor is null");
    pipelineName.ifPresent(PipelineRules::requirePipelineName);
    PipelineRules.requireMaxResults(maxResults, MAX_RUN_RESULTS);
    cursor.ifPresent(
        c -> {
          if (!Ids.isWellFormed(c)) {
            throw new IllegalArgumentException("not a pipeline run page cursor: '" + c + "'");
          }
        });
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(RUN_COLUMNS)
            .append(" FROM pipeline_runs WHERE project_id = :project");
    pipelineName.ifPresent(n -> sql.append(" AND pipeline_name = :name"));
    status.ifPresent(s -> sql.append(" AND status = :status"));
    cursor.ifPresent(c -> sql.append(" AND id < :cursor"));
    sql.append(" ORDER BY id DESC LIMIT :limit");
    List<PipelineRun> rows =
        database.read(
            handle -> {
              Query query =
                  handle
                      .createQuery(sql.toString())
                      .bind("project", projectId)
                      .bind("limit", maxResults + 1);
              pipelineName.ifPresent(n -> query.bind("name", n));
              status.ifPresent(s -> query.bind("status", s.name()));
              cursor.ifPresent(c -> query.bind("cursor", c));
              return query.map(RUN).list();
            });
    return Pages.of(rows, maxResults, PipelineRun::id);
  }

  @Override
  public List<StepRun> steps(String runId) {
    PipelineRules.requireRunId(runId);
    return database.read(
        handle -> {
          requireRun(handle, runId);
          return findSteps(handle, runId);
        });
  }

  @Override
  public PipelineRun requestCancel(String runId, String actor) {
    PipelineRules.requireRunId(runId);
    PipelineRules.requireActor(actor);
    return database.write(
        handle -> {
          lockRun(handle, runId);
          PipelineRun run = requireRun(handle, runId);
          Instant now = database.now();
          switch (run.status()) {
            case QUEUED -> {
              handle
                  .createUpdate(
                      "UPDATE pipeline_steps SET status = 'SKIPPED'"
                          + " WHERE run_id = :id AND status = 'PENDING'")
                  .bind("id", runId)
                  .execute();
              handle
                  .createUpdate(
                      "UPDATE pipeline_runs SET status = 'CANCELLED', cancel_requested = :yes,"
                          + " reason = :reason, finished_at = :now WHERE id = :id")
                  .bind("yes", true)
                  .bind("reason", "cancelled by " + actor + " before it started")
                  .bind("now", now.toEpochMilli())
                  .bind("id", runId)
                  .execute();
            }
            case RUNNING -> {
              if (run.cancelRequested()) {
                return run;
              }
              handle
                  .createUpdate("UPDATE pipeline_runs SET cancel_requested = :yes WHERE id = :id")
                  .bind("yes", true)
                  .bind("id", runId)
                  .execute();
            }
            case SUCCEEDED, FAILED, CANCELLED -> {
              return run;
            }
          }
          AuditWriter.append(
              handle,
              now,
              actor,
              "pipeline.run.cancel",
              run.projectId(),
              "pipeline_run/" + runId,
              Map.of("pipeline", run.pipelineName(), "status", run.status().name()));
          return requireRun(handle, runId);
        });
  }

  // ---------------------------------------------------------------- leases

  @Override
  public Optional<Claim> claimNext(String owner, Instant now, Duration lease) {
    PipelineRules.requireOwner(owner);
    requireNonNull(now, "now is null");
    PipelineRules.requireLease(lease);
    long at = now.toEpochMilli();
    long until = now.plus(lease).toEpochMilli();
    return database.write(
        handle -> {
          for (String id : dueRuns(handle, at)) {
            int claimed =
                handle
                    .createUpdate(
                        "UPDATE pipeline_runs SET status = 'RUNNING', lease_owner = :owner,"
                            + " lease_expires_at = :until,"
                            + " started_at = COALESCE(started_at, :now)"
                            + " WHERE id = :id AND (status = 'QUEUED' AND not_before <= :now"
                            + " OR status = 'RUNNING' AND lease_expires_at < :now)")
                    .bind("owner", owner)
                    .bind("until", until)
                    .bind("now", at)
                    .bind("id", id)
                    .execute();
            if (claimed == 1) {
              return Optional.of(new Claim(requireRun(handle, id), findSteps(handle, id)));
            }
          }
          return Optional.empty();
        });
  }

  /* Due runs, longest waiting first: queued ones since not_before, abandoned ones since expiry. */
  private static List<String> dueRuns(Handle handle, long now) {
    record Due(String id, long since) {}
    List<Due> due = new ArrayList<>();
    handle
        .createQuery(
            "SELECT id, not_before AS since FROM pipeline_runs"
                + " WHERE status = 'QUEUED' AND not_before <= :now"
                + " ORDER BY not_before, id LIMIT :limit")
        .bind("now", now)
        .bind("limit", CLAIM_CANDIDATES)
        .map((rs, ctx) -> new Due(rs.getString("id"), rs.getLong("since")))
        .forEach(due::add);
    handle
        .createQuery(
            "SELECT id, lease_expires_at AS since FROM pipeline_runs"
                + " WHERE status = 'RUNNING' AND lease_expires_at < :now"
                + " ORDER BY lease_expires_at, id LIMIT :limit")
        .bind("now", now)
        .bind("limit", CLAIM_CANDIDATES)
        .map((rs, ctx) -> new Due(rs.getString("id"), rs.getLong("since")))
        .forEach(due::add);
    return due.stream()
        .sorted(Comparator.comparingLong(Due::since).thenComparing(Due::id))
        .limit(CLAIM_CANDIDATES)
        .map(Due::id)
        .toList();
  }

  @Override
  public Optional<PipelineRun> renew(String runId, String owner, Instant now, Duration lease) {
    PipelineRules.requireRunId(runId);
    PipelineRules.requireOwner(owner);
    requireNonNull(now, "now is null");
    PipelineRules.requireLease(lease);
    return database.write(
        handle -> {
          int renewed =
              handle
                  .createUpdate(
                      "UPDATE pipeline_runs SET lease_expires_at = :until WHERE id = :id"
                          + " AND status = 'RUNNING' AND lease_owner = :owner"
                          + " AND lease_expires_at >= :now")
                  .bind("until", now.plus(lease).toEpochMilli())
                  .bind("id", runId)
                  .bind("owner", owner)
                  .bind("now", now.toEpochMilli())
                  .execute();
          if (renewed == 0) {
            requireRun(handle, runId);
            return Optional.empty();
          }
          return Optional.of(requireRun(handle, runId));
        });
  }

  @Override
  public StepRun startStep(String runId, String owner, String stepId, Instant now) {
    PipelineRules.requireRunId(runId);
    PipelineRules.requireOwner(owner);
    PipelineRules.requireStepId(stepId);
    requireNonNull(now, "now is null");
    return database.write(
        handle -> {
          fence(handle, runId, owner, now);
          int started =
              handle
                  .createUpdate(
                      "UPDATE pipeline_steps SET status = 'RUNNING', attempts = attempts + 1,"
                          + " started_at = :now, finished_at = NULL"
                          + " WHERE run_id = :run AND step_id = :step AND status = 'PENDING'")
                  .bind("now", now.toEpochMilli())
                  .bind("run", runId)
                  .bind("step", stepId)
                  .execute();
          if (started == 0) {
            throw notInStatus(handle, runId, stepId, "start", StepStatus.PENDING);
          }
          return requireStep(handle, runId, stepId);
        });
  }

  @Override
  public StepRun finishStep(
      String runId, String owner, String stepId, StepResult result, Instant now) {
    PipelineRules.requireRunId(runId);
    PipelineRules.requireOwner(owner);
    PipelineRules.requireStepId(stepId);
    requireNonNull(result, "result is null");
    requireNonNull(now, "now is null");
    requireJsonObject(result.outputs());
    result.reason().ifPresent(r -> PipelineRules.requireText("reason", r));
    result.trackingRunId().ifPresent(PipelineRules::requireTrackingRunId);
    return database.write(
        handle -> {
          fence(handle, runId, owner, now);
          int finished =
              handle
                  .createUpdate(
                      "UPDATE pipeline_steps SET status = :status, finished_at = :now,"
                          + " outputs = :outputs, reason = :reason, wall_millis = :wall,"
                          + " cpu_millis = :cpu, peak_memory_bytes = :peak,"
                          + " tracking_run_id = COALESCE(:tracking, tracking_run_id)"
                          + " WHERE run_id = :run AND step_id = :step AND status = 'RUNNING'")
                  .bind("status", result.status().name())
                  .bind("now", now.toEpochMilli())
                  .bind("outputs", result.outputs())
                  .bind("reason", result.reason().orElse(null))
                  .bind("wall", result.usage().wallMillis())
                  .bind("cpu", result.usage().cpuMillis())
                  .bind("peak", result.usage().peakMemoryBytes())
                  .bind("tracking", result.trackingRunId().orElse(null))
                  .bind("run", runId)
                  .bind("step", stepId)
                  .execute();
          if (finished == 0) {
            throw notInStatus(handle, runId, stepId, "finish", StepStatus.RUNNING);
          }
          return requireStep(handle, runId, stepId);
        });
  }

  @Override
  public PipelineRun retryStep(
      String runId, String owner, String stepId, String reason, Instant notBefore) {
    PipelineRules.requireRunId(runId);
    PipelineRules.requireOwner(owner);
    PipelineRules.requireStepId(stepId);
    PipelineRules.requireText("reason", reason);
    requireNonNull(notBefore, "notBefore is null");
    return database.write(
        handle -> {
          fence(handle, runId, owner, database.now());
          int reset =
              handle
                  .createUpdate(
                      "UPDATE pipeline_steps SET status = 'PENDING'"
                          + " WHERE run_id = :run AND step_id = :step AND status = 'FAILED'")
                  .bind("run", runId)
                  .bind("step", stepId)
                  .execute();
          if (reset == 0) {
            throw notInStatus(handle, runId, stepId, "retry", StepStatus.FAILED);
          }
          handle
              .createUpdate(
                  "UPDATE pipeline_runs SET status = 'QUEUED', not_before = :notBefore,"
                      + " reason = :reason, lease_owner = NULL, lease_expires_at = NULL"
                      + " WHERE id = :id")
              .bind("notBefore", notBefore.toEpochMilli())
              .bind("reason", reason)
              .bind("id", runId)
              .execute();
          return requireRun(handle, runId);
        });
  }

  @Override
  public PipelineRun finishRun(
      String runId, String owner, PipelineRunStatus status, Optional<String> reason, Instant now) {
    PipelineRules.requireRunId(runId);
    PipelineRules.requireOwner(owner);
    requireNonNull(status, "status is null");
    if (!status.isFinished()) {
      throw new IllegalArgumentException(
          "a run finishes as SUCCEEDED, FAILED or CANCELLED, not " + status);
    }
    requireNonNull(reason, "reason is null");
    reason.ifPresent(r -> PipelineRules.requireText("reason", r));
    requireNonNull(now, "now is null");
    return database.write(
        handle -> {
          fence(handle, runId, owner, now);
          handle
              .createUpdate(
                  "UPDATE pipeline_steps SET status = 'SKIPPED'"
                      + " WHERE run_id = :id AND status = 'PENDING'")
              .bind("id", runId)
              .execute();
          // A step its owner did not finish cannot stay RUNNING in a finished run.
          handle
              .createUpdate(
                  "UPDATE pipeline_steps SET status = 'CANCELLED', finished_at = :now,"
                      + " reason = COALESCE(reason, :reason)"
                      + " WHERE run_id = :id AND status = 'RUNNING'")
              .bind("now", now.toEpochMilli())
              .bind("reason", "the run ended (" + status + ") while the step was running")
              .bind("id", runId)
              .execute();
          handle
              .createUpdate(
                  "UPDATE pipeline_runs SET status = :status, reason = :reason,"
                      + " finished_at = :now, lease_owner = NULL, lease_expires_at = NULL"
                      + " WHERE id = :id")
              .bind("status", status.name())
              .bind("reason", reason.orElse(null))
              .bind("now", now.toEpochMilli())
              .bind("id", runId)
              .execute();
          PipelineRun run = requireRun(handle, runId);
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("pipeline", run.pipelineName());
          details.put("status", status.name());
          details.put("owner", owner);
          reason.ifPresent(r -> details.put("reason", r));
          AuditWriter.append(
              handle,
              now,
              SYSTEM_ACTOR,
              "pipeline.run.finish",
              run.projectId(),
              "pipeline_run/" + runId,
              details);
          return run;
        });
  }

  @Override
  public void setTrackingRun(String runId, String owner, String trackingRunId) {
    PipelineRules.requireRunId(runId);
    PipelineRules.requireOwner(owner);
    PipelineRules.requireTrackingRunId(trackingRunId);
    database.write(
        handle -> {
          fence(handle, runId, owner, database.now());
          handle
              .createUpdate("UPDATE pipeline_runs SET tracking_run_id = :tracking WHERE id = :id")
              .bind("tracking", trackingRunId)
              .bind("id", runId)
              .execute();
          return null;
        });
  }

  @Override
  public void release(String runId, String owner) {
    PipelineRules.requireRunId(runId);
    PipelineRules.requireOwner(owner);
    database.write(
        handle -> {
          Instant now = database.now();
          fence(handle, runId, owner, now);
          handle
              .createUpdate(
                  "UPDATE pipeline_runs SET status = 'QUEUED', not_before = :now,"
                      + " lease_owner = NULL, lease_expires_at = NULL WHERE id = :id")
              .bind("now", now.toEpochMilli())
              .bind("id", runId)
              .execute();
          return null;
        });
  }

  /*
   * The first statement of every fenced change: it locks the run's row (see the class comment)
   * and matches only while owner holds an unexpired lease.
   */
  private static void fence(Handle handle, String runId, String owner, Instant now) {
    int held =
        handle
            .createUpdate(
                "UPDATE pipeline_runs SET lease_owner = lease_owner WHERE id = :id"
                    + " AND status = 'RUNNING' AND lease_owner = :owner"
                    + " AND lease_expires_at >= :now")
            .bind("id", runId)
            .bind("owner", owner)
            .bind("now", now.toEpochMilli())
            .execute();
    if (held == 0) {
      requireRun(handle, runId);
      throw new LeaseLostException(runId, owner);
    }
  }

  private static RuntimeException notInStatus(
      Handle handle, String runId, String stepId, String change, StepStatus expected) {
    StepRun step = requireStep(handle, runId, stepId);
    return new IllegalStateException(
        "cannot "
            + change
            + " step "
            + stepId
            + " of pipeline run "
            + runId
            + ": it is "
            + step.status()
            + ", not "
            + expected);
  }

  // ---------------------------------------------------------------- logs

  @Override
  public void appendLog(
      String runId, String stepId, String stream, List<String> lines, Instant at) {
    PipelineRules.requireRunId(runId);
    PipelineRules.requireStepId(stepId);
    PipelineRules.requireStream(stream);
    requireNonNull(lines, "lines is null");
    requireNonNull(at, "at is null");
    List<String> texts = lines.stream().map(PipelineRules::logLine).toList();
    database.write(
        handle -> {
          lockRun(handle, runId);
          long kept =
              handle
                  .createQuery(
                      "SELECT log_lines FROM pipeline_steps WHERE run_id = :run AND step_id = :step")
                  .bind("run", runId)
                  .bind("step", stepId)
                  .mapTo(Long.class)
                  .findOne()
                  .orElseThrow(() -> noStep(runId, stepId));
          int keep = (int) Math.max(0, Math.min(texts.size(), MAX_LOG_LINES_PER_STEP - kept));
          if (texts.isEmpty()) {
            return null;
          }
          handle
              .createUpdate(
                  "UPDATE pipeline_steps SET log_lines = log_lines + :kept,"
                      + " dropped_log_lines = dropped_log_lines + :dropped"
                      + " WHERE run_id = :run AND step_id = :step")
              .bind("kept", keep)
              .bind("dropped", texts.size() - keep)
              .bind("run", runId)
              .bind("step", stepId)
              .execute();
          if (keep == 0) {
            return null;
          }
          long last =
              handle
                  .createQuery("SELECT next_log_seq FROM pipeline_runs WHERE id = :id")
                  .bind("id", runId)
                  .mapTo(Long.class)
                  .one();
          handle
              .createUpdate(
                  "UPDATE pipeline_runs SET next_log_seq = next_log_seq + :kept WHERE id = :id")
              .bind("kept", keep)
              .bind("id", runId)
              .execute();
          PreparedBatch batch =
              handle.prepareBatch(
                  "INSERT INTO pipeline_logs (run_id, seq, step_id, at, stream, text)"
                      + " VALUES (:run, :seq, :step, :at, :stream, :text)");
          for (int i = 0; i < keep; i++) {
            batch
                .bind("run", runId)
                .bind("seq", last + 1 + i)
                .bind("step", stepId)
                .bind("at", at.toEpochMilli())
                .bind("stream", stream)
                .bind("text", texts.get(i))
                .add();
          }
          batch.execute();
          return null;
        });
  }

  @Override
  public List<LogLine> logs(String runId, Optional<String> stepId, long afterSeq, int max) {
    PipelineRules.requireRunId(runId);
    requireNonNull(stepId, "stepId is null");
    stepId.ifPresent(PipelineRules::requireStepId);
    PipelineRules.requireMaxResults(max, MAX_LOG_LINES_PER_STEP);
    return database.read(
        handle -> {
          requireRun(handle, runId);
          Query query =
              handle
                  .createQuery(
                      "SELECT seq, step_id, at, stream, text FROM pipeline_logs"
                          + " WHERE run_id = :run AND seq > :after"
                          + (stepId.isPresent() ? " AND step_id = :step" : "")
                          + " ORDER BY seq LIMIT :max")
                  .bind("run", runId)
                  .bind("after", afterSeq)
                  .bind("max", max);
          stepId.ifPresent(s -> query.bind("step", s));
          return query.map(LOG_LINE).list();
        });
  }

  // ---------------------------------------------------------------- trigger cursors

  @Override
  public Optional<String> cursor(String projectId, String pipelineName, String triggerKey) {
    requireNonNull(projectId, "projectId is null");
    PipelineRules.requirePipelineName(pipelineName);
    PipelineRules.requireTriggerKey(triggerKey);
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT position FROM pipeline_trigger_cursors WHERE project_id = :project"
                        + " AND pipeline_name = :name AND trigger_key = :key")
                .bind("project", projectId)
                .bind("name", pipelineName)
                .bind("key", triggerKey)
                .mapTo(String.class)
                .findOne());
  }

  @Override
  public boolean moveCursor(
      String projectId,
      String pipelineName,
      String triggerKey,
      Optional<String> expected,
      String next) {
    requireNonNull(projectId, "projectId is null");
    PipelineRules.requirePipelineName(pipelineName);
    PipelineRules.requireTriggerKey(triggerKey);
    requireNonNull(expected, "expected is null");
    PipelineRules.requireText("cursor", next);
    long now = database.now().toEpochMilli();
    return database.write(
        handle -> {
          requireProject(handle, projectId);
          int moved;
          if (expected.isEmpty()) {
            moved =
                handle
                    .createUpdate(
                        "INSERT INTO pipeline_trigger_cursors (project_id, pipeline_name,"
                            + " trigger_key, position, updated_at)"
                            + " VALUES (:project, :name, :key, :next, :now)"
                            + " ON CONFLICT (project_id, pipeline_name, trigger_key) DO NOTHING")
                    .bind("project", projectId)
                    .bind("name", pipelineName)
                    .bind("key", triggerKey)
                    .bind("next", next)
                    .bind("now", now)
                    .execute();
          } else {
            moved =
                handle
                    .createUpdate(
                        "UPDATE pipeline_trigger_cursors SET position = :next, updated_at = :now"
                            + " WHERE project_id = :project AND pipeline_name = :name"
                            + " AND trigger_key = :key AND position = :expected")
                    .bind("next", next)
                    .bind("now", now)
                    .bind("project", projectId)
                    .bind("name", pipelineName)
                    .bind("key", triggerKey)
                    .bind("expected", expected.get())
                    .execute();
          }
          return moved == 1;
        });
  }

  // ---------------------------------------------------------------- rows

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

  /* Takes the run's row lock on PostgreSQL (see the class comment). */
  private static void lockRun(Handle handle, String runId) {
    int found =
        handle
            .createUpdate("UPDATE pipeline_runs SET next_log_seq = next_log_seq WHERE id = :id")
            .bind("id", runId)
            .execute();
    if (found == 0) {
      throw noRun(runId);
    }
  }

  private static Optional<PipelineRun> findRun(Handle handle, String runId) {
    return handle
        .createQuery("SELECT " + RUN_COLUMNS + " FROM pipeline_runs WHERE id = :id")
        .bind("id", runId)
        .map(RUN)
        .findOne();
  }

  private static PipelineRun requireRun(Handle handle, String runId) {
    return findRun(handle, runId).orElseThrow(() -> noRun(runId));
  }

  private static List<StepRun> findSteps(Handle handle, String runId) {
    return handle
        .createQuery(
            "SELECT " + STEP_COLUMNS + " FROM pipeline_steps WHERE run_id = :run ORDER BY position")
        .bind("run", runId)
        .map(STEP)
        .list();
  }

  private static StepRun requireStep(Handle handle, String runId, String stepId) {
    return handle
        .createQuery(
            "SELECT "
                + STEP_COLUMNS
                + " FROM pipeline_steps WHERE run_id = :run AND step_id = :step")
        .bind("run", runId)
        .bind("step", stepId)
        .map(STEP)
        .findOne()
        .orElseThrow(
            () -> {
              findRun(handle, runId).orElseThrow(() -> noRun(runId));
              return noStep(runId, stepId);
            });
  }

  private static NotFoundException noRun(String runId) {
    return new NotFoundException("no pipeline run with id " + runId);
  }

  private static NotFoundException noStep(String runId, String stepId) {
    return new NotFoundException("pipeline run " + runId + " has no step " + stepId);
  }

  private static PipelineRun runRow(ResultSet rs) throws SQLException {
    int definitionVersion = rs.getInt("definition_version");
    OptionalInt definition = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(definitionVersion);
    return new PipelineRun(
        rs.getString("id"),
        rs.getString("project_id"),
        rs.getString("pipeline_name"),
        definition,
        rs.getString("yaml"),
        readMap(rs.getString("files_json")),
        readMap(rs.getString("params_json")),
        new RunTrigger(
            RunTrigger.Kind.valueOf(rs.getString("trigger_kind")),
            rs.getString("trigger_detail"),
            Optional.ofNullable(rs.getString("trigger_key"))),
        Optional.ofNullable(rs.getString("code_version")),
        PipelineRunStatus.valueOf(rs.getString("status")),
        Optional.ofNullable(rs.getString("reason")),
        rs.getBoolean("cancel_requested"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        rs.getString("created_by"),
        Instant.ofEpochMilli(rs.getLong("not_before")),
        optionalInstant(rs, "started_at"),
        optionalInstant(rs, "finished_at"),
        Optional.ofNullable(rs.getString("lease_owner")),
        optionalInstant(rs, "lease_expires_at"),
        Optional.ofNullable(rs.getString("tracking_run_id")));
  }

  private static Optional<Instant> optionalInstant(ResultSet rs, String column)
      throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
  }

  private static String writeMap(Map<String, String> map) {
    try {
      return MAPPER.writeValueAsString(new TreeMap<>(map));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings is always JSON", e);
    }
  }

  private static Map<String, String> readMap(String json) {
    try {
      return MAPPER.readValue(json, STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new StoreException("a stored pipeline map is not a JSON object of strings: " + e, e);
    }
  }

  private static void requireJsonObject(String outputs) {
    PipelineRules.requireText("step outputs", outputs);
    JsonNode node;
    try {
      node = MAPPER.readTree(outputs);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "step outputs must be a JSON object: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "step outputs must be a JSON object, got: " + Names.printable(outputs));
    }
  }
}
