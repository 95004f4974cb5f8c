package dev.tend.tracking;

import static java.util.Objects.requireNonNull;

import dev.tend.store.ConflictException;
import dev.tend.store.Database;
import dev.tend.store.Ids;
import dev.tend.store.NotFoundException;
import dev.tend.store.Page;
import dev.tend.store.internal.AuditWriter;
import dev.tend.store.internal.PageTokens;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

final class JdbiTrackingRepository implements TrackingRepository {
  private static final Pattern DATASET_SPEC =
      Pattern.compile("(?:([a-z0-9][a-z0-9._-]*)/)?([a-z0-9][a-z0-9._-]*)@([0-9]{1,9})");
  private static final String[] ADJECTIVES = {
    "amber", "bold", "brisk", "calm", "clever", "crisp", "eager", "gentle", "keen", "lucid",
    "merry", "nimble", "quiet", "rapid", "steady", "sunny", "swift", "tidy", "vivid", "wise"
  };
  private static final String[] NOUNS = {
    "badger", "crane", "dolphin", "falcon", "fox", "heron", "ibis", "koala", "lynx", "moth",
    "otter", "owl", "panda", "quail", "raven", "seal", "stork", "tern", "wolf", "wren"
  };
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Database database;

  JdbiTrackingRepository(Database database) {
    this.database = requireNonNull(database, "database is null");
  }

  // ---------------------------------------------------------------- experiments

  @Override
  public Experiment createExperiment(
      String projectId,
      String name,
      Optional<String> artifactLocation,
      List<KeyValue> tags,
      String actor) {
    requireNonNull(projectId, "projectId is null");
    TrackingRules.requireExperimentName(name);
    requireNonNull(artifactLocation, "artifactLocation is null");
    requireNonNull(actor, "actor is null");
    artifactLocation.ifPresent(
        location -> {
          if (location.startsWith("runs:")) {
            throw new IllegalArgumentException(
                "Artifact location cannot be a runs:/ URI. Given: '" + location + "'");
          }
        });
    tags.forEach(tag -> checkExperimentTag(tag.key(), tag.value()));
    long now = database.now().toEpochMilli();
    try {
      return database.write(
          handle -> {
            if (findExperimentByName(handle, name).isPresent()) {
              throw new ConflictException("Experiment(name=" + name + ") already exists.");
            }
            handle
                .createUpdate(
                    "UPDATE tracking_counters SET value = value + 1 WHERE name = 'experiment'")
                .execute();
            long id =
                handle
                    .createQuery("SELECT value FROM tracking_counters WHERE name = 'experiment'")
                    .mapTo(Long.class)
                    .one();
            String location = artifactLocation.orElse("mlflow-artifacts:/" + id);
            insertExperiment(handle, id, projectId, name, location, now);
            for (KeyValue tag : tags) {
              upsertExperimentTag(handle, id, tag.key(), tag.value());
            }
            AuditWriter.append(
                handle,
                database.now(),
                actor,
                "experiment.create",
                projectId,
                "experiment/" + id,
                Map.of("name", name));
            return findExperiment(handle, id).orElseThrow();
          });
    } catch (ConflictException e) {
      if (e.getCause() == null) {
        throw e;
      }
      throw new ConflictException("Experiment(name=" + name + ") already exists.", e);
    }
  }

  @Override
  public Experiment ensureDefaultExperiment(String projectId) {
    requireNonNull(projectId, "projectId is null");
    Optional<Experiment> existing = experiment(DEFAULT_EXPERIMENT_ID);
    if (existing.isPresent()) {
      return existing.get();
    }
    long now = database.now().toEpochMilli();
    try {
      database.write(
          handle -> {
            insertExperiment(
                handle,
                DEFAULT_EXPERIMENT_ID,
                projectId,
                DEFAULT_EXPERIMENT_NAME,
                "mlflow-artifacts:/" + DEFAULT_EXPERIMENT_ID,
                now);
            return null;
          });
    } catch (ConflictException e) {
      // Another replica created it first.
    }
    return experiment(DEFAULT_EXPERIMENT_ID).orElseThrow();
  }

  @Override
  public Optional<Experiment> experiment(long id) {
    return database.read(handle -> findExperiment(handle, id));
  }

  @Override
  public Optional<Experiment> experimentByName(String name) {
    requireNonNull(name, "name is null");
    return database.read(handle -> findExperimentByName(handle, name));
  }

  @Override
  public Page<Experiment> searchExperiments(ExperimentSearch search) {
    requireNonNull(search, "search is null");
    checkMaxResults(search.maxResults());
    int offset = PageTokens.offset(search.pageToken());
    SearchSql.Query sql = SearchSql.experiments(search, database.dialect(), offset);
    return database.read(
        handle -> {
          Query query = handle.createQuery(sql.sql());
          sql.binds().forEach(query::bind);
          List<Experiment> rows = query.map((rs, ctx) -> experimentRow(rs)).list();
          List<Experiment> page = withExperimentTags(handle, limit(rows, search.maxResults()));
          return new Page<>(
              page,
              rows.size() > search.maxResults()
                  ? Optional.of(PageTokens.of(offset + search.maxResults()))
                  : Optional.empty());
        });
  }

  @Override
  public Experiment renameExperiment(long id, String newName, String actor) {
    TrackingRules.requireExperimentName(newName);
    requireNonNull(actor, "actor is null");
    try {
      return database.write(
          handle -> {
            Experiment experiment = requireExperiment(handle, id);
            if (experiment.lifecycleStage() != LifecycleStage.ACTIVE) {
              throw new IllegalArgumentException("Cannot rename a non-active experiment.");
            }
            Optional<Experiment> holder = findExperimentByName(handle, newName);
            if (holder.isPresent() && holder.get().id() != id) {
              throw new ConflictException("Experiment '" + newName + "' already exists.");
            }
            handle
                .createUpdate(
                    "UPDATE experiments SET name = :name, last_update_time = :now"
                        + " WHERE experiment_id = :id")
                .bind("name", newName)
                .bind("now", database.now().toEpochMilli())
                .bind("id", id)
                .execute();
            AuditWriter.append(
                handle,
                database.now(),
                actor,
                "experiment.rename",
                experiment.projectId(),
                "experiment/" + id,
                Map.of("from", experiment.name(), "to", newName));
            return findExperiment(handle, id).orElseThrow();
          });
    } catch (ConflictException e) {
      if (e.getCause() == null) {
        throw e;
      }
      throw new ConflictException("Experiment '" + newName + "' already exists.", e);
    }
  }

  @Override
  public void deleteExperiment(long id, String actor) {
    setExperimentStage(id, LifecycleStage.DELETED, actor);
  }

  @Override
  public void restoreExperiment(long id, String actor) {
    setExperimentStage(id, LifecycleStage.ACTIVE, actor);
  }

  private void setExperimentStage(long id, LifecycleStage stage, String actor) {
    requireNonNull(actor, "actor is null");
    long now = database.now().toEpochMilli();
    database.write(
        handle -> {
          Experiment experiment = requireExperiment(handle, id);
          if (stage == LifecycleStage.ACTIVE
              && experiment.lifecycleStage() == LifecycleStage.ACTIVE) {
            throw new IllegalArgumentException(
                "Cannot restore an active experiment. Experiment id " + id + " is active.");
          }
          handle
              .createUpdate(
                  "UPDATE experiments SET lifecycle_stage = :stage, last_update_time = :now"
                      + " WHERE experiment_id = :id")
              .bind("stage", stage.label())
              .bind("now", now)
              .bind("id", id)
              .execute();
          handle
              .createUpdate(
                  "UPDATE runs SET lifecycle_stage = :stage, deleted_time = :deleted"
                      + " WHERE experiment_id = :id")
              .bind("stage", stage.label())
              .bind("deleted", stage == LifecycleStage.DELETED ? Long.valueOf(now) : null)
              .bind("id", id)
              .execute();
          AuditWriter.append(
              handle,
              database.now(),
              actor,
              stage == LifecycleStage.DELETED ? "experiment.delete" : "experiment.restore",
              experiment.projectId(),
              "experiment/" + id,
              Map.of("name", experiment.name()));
          return null;
        });
  }

  @Override
  public void setExperimentTag(long id, String key, String value) {
    checkExperimentTag(key, value);
    database.write(
        handle -> {
          Experiment experiment = requireExperiment(handle, id);
          if (experiment.lifecycleStage() != LifecycleStage.ACTIVE) {
            throw new IllegalArgumentException(
                "The experiment "
                    + id
                    + " must be in the 'active' state. Current state is "
                    + experiment.lifecycleStage().label()
                    + ".");
          }
          upsertExperimentTag(handle, id, key, value);
          handle
              .createUpdate(
                  "UPDATE experiments SET last_update_time = :now WHERE experiment_id = :id")
              .bind("now", database.now().toEpochMilli())
              .bind("id", id)
              .execute();
          return null;
        });
  }

  private static void checkExperimentTag(String key, String value) {
    TrackingRules.requireValidKey("tag", key);
    requireNonNull(value, "tag value is null");
    TrackingRules.requireLength("Tag value", value, TrackingRules.MAX_TAG_VALUE_LENGTH);
  }

  private static void insertExperiment(
      Handle handle, long id, String projectId, String name, String location, long now) {
    handle
        .createUpdate(
            "INSERT INTO experiments (experiment_id, project_id, name, artifact_location,"
                + " lifecycle_stage, creation_time, last_update_time)"
                + " VALUES (:id, :project, :name, :location, 'active', :now, :now)")
        .bind("id", id)
        .bind("project", projectId)
        .bind("name", name)
        .bind("location", location)
        .bind("now", now)
        .execute();
  }

  private static void upsertExperimentTag(Handle handle, long id, String key, String value) {
    handle
        .createUpdate(
            "INSERT INTO experiment_tags (experiment_id, tag_key, tag_value)"
                + " VALUES (:id, :key, :value)"
                + " ON CONFLICT (experiment_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value")
        .bind("id", id)
        .bind("key", key)
        .bind("value", value)
        .execute();
  }

  private static Experiment requireExperiment(Handle handle, long id) {
    return findExperiment(handle, id)
        .orElseThrow(() -> new NotFoundException("No Experiment with id=" + id + " exists"));
  }

  private static Optional<Experiment> findExperiment(Handle handle, long id) {
    return handle
        .createQuery(
            "SELECT "
                + SearchSql.EXPERIMENT_COLUMNS
                + " FROM experiments e WHERE experiment_id = :id")
        .bind("id", id)
        .map((rs, ctx) -> experimentRow(rs))
        .findOne()
        .map(e -> withExperimentTags(handle, List.of(e)).get(0));
  }

  private static Optional<Experiment> findExperimentByName(Handle handle, String name) {
    return handle
        .createQuery(
            "SELECT " + SearchSql.EXPERIMENT_COLUMNS + " FROM experiments e WHERE name = :name")
        .bind("name", name)
        .map((rs, ctx) -> experimentRow(rs))
        .findOne()
        .map(e -> withExperimentTags(handle, List.of(e)).get(0));
  }

  private static Experiment experimentRow(ResultSet rs) throws SQLException {
    return new Experiment(
        rs.getLong("experiment_id"),
        rs.getString("project_id"),
        rs.getString("name"),
        rs.getString("artifact_location"),
        LifecycleStage.fromLabel(rs.getString("lifecycle_stage")),
        rs.getLong("creation_time"),
        rs.getLong("last_update_time"),
        new TreeMap<>());
  }

  private static List<Experiment> withExperimentTags(Handle handle, List<Experiment> experiments) {
    if (experiments.isEmpty()) {
      return experiments;
    }
    Map<Long, Map<String, String>> tags = new HashMap<>();
    handle
        .createQuery(
            "SELECT experiment_id, tag_key, tag_value FROM experiment_tags"
                + " WHERE experiment_id IN (<ids>)")
        .bindList("ids", experiments.stream().map(Experiment::id).toList())
        .map(
            (rs, ctx) -> {
              tags.computeIfAbsent(rs.getLong(1), k -> new TreeMap<>())
                  .put(rs.getString(2), rs.getString(3));
              return null;
            })
        .list();
    return experiments.stream().map(e -> e.withTags(tags.getOrDefault(e.id(), Map.of()))).toList();
  }

  // ---------------------------------------------------------------- runs

  @Override
  public RunInfo createRun(NewRun run) {
    requireNonNull(run, "run is null");
    Map<String, String> tags = new LinkedHashMap<>();
    for (KeyValue tag : run.tags()) {
      checkRunTag(tag.key(), tag.value());
      tags.put(tag.key(), tag.value());
    }
    run.userId().ifPresent(u -> TrackingRules.requireLength("User id", u, 256));
    String runName =
        run.runName()
            .filter(n -> !n.isEmpty())
            .or(() -> Optional.ofNullable(tags.get(RUN_NAME_TAG)))
            .orElseGet(JdbiTrackingRepository::randomName);
    TrackingRules.requireLength("Run name", runName, TrackingRules.MAX_RUN_NAME_LENGTH);
    if (run.runName().isPresent()
        && tags.containsKey(RUN_NAME_TAG)
        && !tags.get(RUN_NAME_TAG).equals(run.runName().get())) {
      throw new IllegalArgumentException(
          "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different"
              + " values (run_name='"
              + run.runName().get()
              + "', mlflow.runName='"
              + tags.get(RUN_NAME_TAG)
              + "').");
    }
    tags.put(RUN_NAME_TAG, runName);
    String runId = UUID.randomUUID().toString().replace("-", "");
    long startTime = run.startTime().orElse(database.now().toEpochMilli());
    return database.write(
        handle -> {
          Experiment experiment = requireExperiment(handle, run.experimentId());
          if (experiment.lifecycleStage() != LifecycleStage.ACTIVE) {
            throw new IllegalArgumentException(
                "The experiment "
                    + experiment.id()
                    + " must be in the 'active' state. Current state is "
                    + experiment.lifecycleStage().label()
                    + ".");
          }
          String artifactUri = experiment.artifactLocation() + "/" + runId + "/artifacts";
          handle
              .createUpdate(
                  "INSERT INTO runs (run_uuid, experiment_id, run_name, user_id, status,"
                      + " start_time, end_time, lifecycle_stage, artifact_uri)"
                      + " VALUES (:id, :experiment, :name, :user, 'RUNNING', :start, NULL,"
                      + " 'active', :uri)")
              .bind("id", runId)
              .bind("experiment", experiment.id())
              .bind("name", runName)
              .bind("user", run.userId().orElse(null))
              .bind("start", startTime)
              .bind("uri", artifactUri)
              .execute();
          upsertRunTags(handle, experiment, runId, tags);
          return requireRunInfo(handle, runId);
        });
  }

  @Override
  public Optional<Run> run(String runId) {
    requireNonNull(runId, "runId is null");
    return database.read(
        handle -> findRunInfo(handle, runId).map(info -> withData(handle, List.of(info)).get(0)));
  }

  @Override
  public Optional<RunInfo> runInfo(String runId) {
    requireNonNull(runId, "runId is null");
    return database.read(handle -> findRunInfo(handle, runId));
  }

  @Override
  public RunInfo updateRun(
      String runId, Optional<RunStatus> status, Optional<Long> endTime, Optional<String> runName) {
    requireNonNull(runId, "runId is null");
    runName.ifPresent(
        n -> TrackingRules.requireLength("Run name", n, TrackingRules.MAX_RUN_NAME_LENGTH));
    return database.write(
        handle -> {
          RunInfo info = requireActiveRun(handle, runId);
          handle
              .createUpdate(
                  "UPDATE runs SET status = :status, end_time = :end, run_name = :name"
                      + " WHERE run_uuid = :id")
              .bind("status", status.orElse(info.status()).name())
              .bind("end", endTime.or(info::endTime).orElse(null))
              .bind("name", runName.filter(n -> !n.isEmpty()).orElse(info.runName()))
              .bind("id", runId)
              .execute();
          runName
              .filter(n -> !n.isEmpty())
              .ifPresent(n -> upsertRunTags(handle, null, runId, Map.of(RUN_NAME_TAG, n)));
          return requireRunInfo(handle, runId);
        });
  }

  @Override
  public void deleteRun(String runId, String actor) {
    setRunStage(runId, LifecycleStage.DELETED, actor);
  }

  @Override
  public void restoreRun(String runId, String actor) {
    setRunStage(runId, LifecycleStage.ACTIVE, actor);
  }

  private void setRunStage(String runId, LifecycleStage stage, String actor) {
    requireNonNull(runId, "runId is null");
    requireNonNull(actor, "actor is null");
    long now = database.now().toEpochMilli();
    database.write(
        handle -> {
          RunInfo info = requireRunInfo(handle, runId);
          handle
              .createUpdate(
                  "UPDATE runs SET lifecycle_stage = :stage, deleted_time = :deleted"
                      + " WHERE run_uuid = :id")
              .bind("stage", stage.label())
              .bind("deleted", stage == LifecycleStage.DELETED ? Long.valueOf(now) : null)
              .bind("id", runId)
              .execute();
          String projectId = requireExperiment(handle, info.experimentId()).projectId();
          AuditWriter.append(
              handle,
              database.now(),
              actor,
              stage == LifecycleStage.DELETED ? "run.delete" : "run.restore",
              projectId,
              "run/" + runId,
              Map.of("experiment_id", info.experimentId()));
          return null;
        });
  }

  @Override
  public void logBatch(
      String runId, List<Metric> metrics, List<KeyValue> params, List<KeyValue> tags) {
    requireNonNull(runId, "runId is null");
    TrackingRules.requireBatchLimits(metrics.size(), params.size(), tags.size());
    for (Metric metric : metrics) {
      TrackingRules.requireValidKey("metric", metric.key());
      if (metric.timestamp() < 0) {
        throw new IllegalArgumentException(
            "Got invalid timestamp "
                + metric.timestamp()
                + " for metric '"
                + metric.key()
                + "' (value="
                + metric.value()
                + "). Timestamp must be a nonnegative long (64-bit integer) ");
      }
    }
    for (KeyValue param : params) {
      TrackingRules.requireValidKey("parameter", param.key());
      TrackingRules.requireLength(
          "Param value", param.value(), TrackingRules.MAX_PARAM_VALUE_LENGTH);
    }
    TrackingRules.requireDistinctParamKeys(params);
    Map<String, String> tagMap = new LinkedHashMap<>();
    for (KeyValue tag : tags) {
      checkRunTag(tag.key(), tag.value());
      tagMap.put(tag.key(), tag.value());
    }
    database.write(
        handle -> {
          RunInfo info = requireActiveRun(handle, runId);
          logParams(handle, runId, params);
          logMetrics(handle, runId, metrics);
          if (!tagMap.isEmpty()) {
            upsertRunTags(handle, requireExperiment(handle, info.experimentId()), runId, tagMap);
          }
          return null;
        });
  }

  private static void logParams(Handle handle, String runId, List<KeyValue> params) {
    if (params.isEmpty()) {
      return;
    }
    Map<String, String> existing = new HashMap<>();
    handle
        .createQuery(
            "SELECT param_key, param_value FROM params WHERE run_uuid = :run"
                + " AND param_key IN (<keys>)")
        .bind("run", runId)
        .bindList("keys", params.stream().map(KeyValue::key).toList())
        .map(
            (rs, ctx) -> {
              existing.put(rs.getString(1), rs.getString(2));
              return null;
            })
        .list();
    List<KeyValue> fresh = new ArrayList<>();
    for (KeyValue param : params) {
      String old = existing.get(param.key());
      if (old == null) {
        fresh.add(param);
      } else if (!old.equals(param.value())) {
        throw new IllegalArgumentException(
            "Changing param values is not allowed. Param with key='"
                + param.key()
                + "' was already logged with value='"
                + old
                + "' for run ID='"
                + runId
                + "'. Attempted logging new value '"
                + param.value()
                + "'.");
      }
    }
    if (fresh.isEmpty()) {
      return;
    }
    PreparedBatch batch =
        handle.prepareBatch(
            "INSERT INTO params (run_uuid, param_key, param_value) VALUES (:run, :key, :value)");
    for (KeyValue param : fresh) {
      batch.bind("run", runId).bind("key", param.key()).bind("value", param.value()).add();
    }
    batch.execute();
  }

  private static void logMetrics(Handle handle, String runId, List<Metric> metrics) {
    if (metrics.isEmpty()) {
      return;
    }
    PreparedBatch history =
        handle.prepareBatch(
            "INSERT INTO metrics (id, run_uuid, metric_key, metric_value, is_nan, metric_time,"
                + " step) VALUES (:id, :run, :key, :value, :nan, :time, :step)");
    PreparedBatch latest =
        handle.prepareBatch(
            "INSERT INTO latest_metrics (run_uuid, metric_key, metric_value, is_nan,"
                + " metric_time, step) VALUES (:run, :key, :value, :nan, :time, :step)"
                + " ON CONFLICT (run_uuid, metric_key) DO UPDATE SET"
                + " metric_value = excluded.metric_value, is_nan = excluded.is_nan,"
                + " metric_time = excluded.metric_time, step = excluded.step"
                + " WHERE excluded.step > latest_metrics.step"
                + " OR (excluded.step = latest_metrics.step"
                + " AND excluded.metric_time > latest_metrics.metric_time)"
                + " OR (excluded.step = latest_metrics.step"
                + " AND excluded.metric_time = latest_metrics.metric_time"
                + " AND (latest_metrics.is_nan = TRUE"
                + " OR excluded.metric_value > latest_metrics.metric_value))");
    for (Metric metric : metrics) {
      boolean nan = Double.isNaN(metric.value());
      Double value = nan ? null : metric.value();
      history
          .bind("id", Ids.next())
          .bind("run", runId)
          .bind("key", metric.key())
          .bind("value", value)
          .bind("nan", nan)
          .bind("time", metric.timestamp())
          .bind("step", metric.step())
          .add();
      latest
          .bind("run", runId)
          .bind("key", metric.key())
          .bind("value", value)
          .bind("nan", nan)
          .bind("time", metric.timestamp())
          .bind("step", metric.step())
          .add();
    }
    history.execute();
    latest.execute();
  }

  @Override
  public void deleteTag(String runId, String key) {
    requireNonNull(runId, "runId is null");
    requireNonNull(key, "key is null");
    database.write(
        handle -> {
          requireActiveRun(handle, runId);
          int deleted =
              handle
                  .createUpdate("DELETE FROM run_tags WHERE run_uuid = :run AND tag_key = :key")
                  .bind("run", runId)
                  .bind("key", key)
                  .execute();
          if (deleted == 0) {
            throw new NotFoundException("No tag with name: " + key + " in run with id " + runId);
          }
          return null;
        });
  }

  @Override
  public void logInputs(String runId, List<RunInput> inputs) {
    requireNonNull(runId, "runId is null");
    for (RunInput input : inputs) {
      checkInput(input);
    }
    database.write(
        handle -> {
          RunInfo info = requireActiveRun(handle, runId);
          Experiment experiment = requireExperiment(handle, info.experimentId());
          for (RunInput input : inputs) {
            Optional<String> version =
                input.sourceType().equals("tend")
                    ? Optional.of(resolveDatasetVersion(handle, experiment, input.source()))
                    : Optional.empty();
            insertInput(handle, runId, input, version);
          }
          return null;
        });
  }

  private static void checkInput(RunInput input) {
    if (input.name().isEmpty()) {
      throw new IllegalArgumentException("Dataset name cannot be empty.");
    }
    TrackingRules.requireLength(
        "Dataset name", input.name(), TrackingRules.MAX_DATASET_NAME_LENGTH);
    TrackingRules.requireLength(
        "Dataset digest", input.digest(), TrackingRules.MAX_DATASET_DIGEST_LENGTH);
    TrackingRules.requireLength(
        "Dataset source", input.source(), TrackingRules.MAX_DATASET_SOURCE_LENGTH);
    TrackingRules.requireLength("Dataset source type", input.sourceType(), 64);
    input
        .tags()
        .forEach(
            (k, v) -> {
              TrackingRules.requireLength(
                  "Input tag key", k, TrackingRules.MAX_INPUT_TAG_KEY_LENGTH);
              TrackingRules.requireLength(
                  "Input tag value", v, TrackingRules.MAX_INPUT_TAG_VALUE_LENGTH);
            });
  }

  private void insertInput(
      Handle handle, String runId, RunInput input, Optional<String> versionId) {
    handle
        .createUpdate(
            "INSERT INTO run_inputs (id, run_uuid, dataset_name, digest, source_type, source,"
                + " dataset_schema, dataset_profile, context, input_tags, dataset_version_id,"
                + " recorded_at) VALUES (:id, :run, :name, :digest, :sourceType, :source,"
                + " :schema, :profile, :context, :tags, :version, :at)"
                + " ON CONFLICT (run_uuid, dataset_name, digest) DO NOTHING")
        .bind("id", Ids.next())
        .bind("run", runId)
        .bind("name", input.name())
        .bind("digest", input.digest())
        .bind("sourceType", input.sourceType())
        .bind("source", input.source())
        .bind("schema", input.schema().orElse(null))
        .bind("profile", input.profile().orElse(null))
        .bind("context", input.tags().get(RunInput.CONTEXT_TAG))
        .bind("tags", dev.tend.store.internal.Json.object(input.tags()))
        .bind("version", versionId.orElse(null))
        .bind("at", database.now().toEpochMilli())
        .execute();
    versionId.ifPresent(
        version ->
            handle
                .createUpdate(
                    "INSERT INTO version_usages (version_id, used_by_kind, used_by_id,"
                        + " recorded_at) VALUES (:version, :kind, :run, :at)"
                        + " ON CONFLICT (version_id, used_by_kind, used_by_id) DO NOTHING")
                .bind("version", version)
                .bind("kind", USAGE_KIND)
                .bind("run", runId)
                .bind("at", database.now().toEpochMilli())
                .execute());
  }

  /* "dataset@3" in the experiment's project, or "project/dataset@3". */
  private static String resolveDatasetVersion(Handle handle, Experiment experiment, String spec) {
    Matcher matcher = DATASET_SPEC.matcher(spec);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          "'"
              + spec
              + "' does not name a Tend dataset version; use dataset@version or"
              + " project/dataset@version, as in trips@3");
    }
    String project = matcher.group(1);
    Optional<String> projectId =
        project == null
            ? Optional.of(experiment.projectId())
            : handle
                .createQuery("SELECT id FROM projects WHERE name = :name")
                .bind("name", project)
                .mapTo(String.class)
                .findOne();
    if (projectId.isEmpty() || !projectId.get().equals(experiment.projectId())) {
      throw new IllegalArgumentException(
          "'"
              + spec
              + "' names a dataset outside the experiment's project; runs may only read datasets"
              + " of their own project");
    }
    return handle
        .createQuery(
            "SELECT v.id FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id"
                + " WHERE d.project_id = :project AND d.name = :dataset"
                + " AND v.version_number = :number AND v.status <> 'pending'")
        .bind("project", projectId.get())
        .bind("dataset", matcher.group(2))
        .bind("number", Integer.parseInt(matcher.group(3)))
        .mapTo(String.class)
        .findOne()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "'" + spec + "' names no committed version of a dataset in the project"));
  }

  @Override
  public Page<Metric> metricHistory(
      String runId, String key, Optional<String> pageToken, int maxResults) {
    requireNonNull(runId, "runId is null");
    requireNonNull(key, "key is null");
    checkMaxResults(maxResults);
    int offset = PageTokens.offset(pageToken);
    return database.read(
        handle -> {
          requireRunInfo(handle, runId);
          List<Metric> rows =
              handle
                  .createQuery(
                      "SELECT metric_key, metric_value, is_nan, metric_time, step FROM metrics"
                          + " WHERE run_uuid = :run AND metric_key = :key"
                          + " ORDER BY step, metric_time, id LIMIT :limit OFFSET :offset")
                  .bind("run", runId)
                  .bind("key", key)
                  .bind("limit", maxResults + 1)
                  .bind("offset", offset)
                  .map((rs, ctx) -> metricRow(rs))
                  .list();
          return new Page<>(
              limit(rows, maxResults),
              rows.size() > maxResults
                  ? Optional.of(PageTokens.of(offset + maxResults))
                  : Optional.empty());
        });
  }

  @Override
  public Page<Run> searchRuns(RunSearch search) {
    requireNonNull(search, "search is null");
    checkMaxResults(search.maxResults());
    int offset = PageTokens.offset(search.pageToken());
    RunSearch scoped =
        search.experimentIds().isEmpty()
            ? new RunSearch(
                List.of(-1L),
                search.filter(),
                search.viewType(),
                search.maxResults(),
                search.orderBy(),
                search.pageToken())
            : search;
    Optional<SearchSql.Query> fast =
        SearchSql.runsByMetricIndex(scoped, database.dialect(), offset);
    return database.read(
        handle -> {
          List<RunInfo> rows = List.of();
          if (fast.isPresent()) {
            rows = runInfos(handle, fast.get());
          }
          if (rows.size() <= search.maxResults()) {
            rows = runInfos(handle, SearchSql.runs(scoped, database.dialect(), offset));
          }
          List<Run> page = withData(handle, limit(rows, search.maxResults()));
          return new Page<>(
              page,
              rows.size() > search.maxResults()
                  ? Optional.of(PageTokens.of(offset + search.maxResults()))
                  : Optional.empty());
        });
  }

  private static List<RunInfo> runInfos(Handle handle, SearchSql.Query sql) {
    Query query = handle.createQuery(sql.sql());
    sql.binds().forEach(query::bind);
    return query.map((rs, ctx) -> runInfoRow(rs)).list();
  }

  private static void checkMaxResults(int maxResults) {
    if (maxResults < 1 || maxResults > RunSearch.MAX_RESULTS) {
      throw new IllegalArgumentException(
          "Invalid value "
              + maxResults
              + " for parameter 'max_results' supplied. It must be between 1 and "
              + RunSearch.MAX_RESULTS);
    }
  }

  private static <T> List<T> limit(List<T> rows, int max) {
    return rows.size() > max ? rows.subList(0, max) : rows;
  }

  private static void checkRunTag(String key, String value) {
    TrackingRules.requireValidKey("tag", key);
    requireNonNull(value, "tag value is null");
    TrackingRules.requireLength("Tag value", value, TrackingRules.MAX_TAG_VALUE_LENGTH);
  }

  /** Upserts tags; {@code mlflow.runName} renames the run, {@code tend.dataset} links a version. */
  private void upsertRunTags(
      Handle handle, Experiment experiment, String runId, Map<String, String> tags) {
    PreparedBatch batch =
        handle.prepareBatch(
            "INSERT INTO run_tags (run_uuid, tag_key, tag_value) VALUES (:run, :key, :value)"
                + " ON CONFLICT (run_uuid, tag_key) DO UPDATE SET tag_value = excluded.tag_value");
    tags.forEach((k, v) -> batch.bind("run", runId).bind("key", k).bind("value", v).add());
    batch.execute();
    String name = tags.get(RUN_NAME_TAG);
    if (name != null) {
      handle
          .createUpdate("UPDATE runs SET run_name = :name WHERE run_uuid = :run")
          .bind("name", name)
          .bind("run", runId)
          .execute();
    }
    String dataset = tags.get(DATASET_TAG);
    if (dataset != null && experiment != null) {
      String version = resolveDatasetVersion(handle, experiment, dataset);
      String datasetName = DATASET_SPEC.matcher(dataset).replaceFirst("$2");
      insertInput(
          handle,
          runId,
          RunInput.of(
              datasetName,
              version,
              "tend",
              dataset,
              Optional.empty(),
              Optional.empty(),
              Map.of(RunInput.CONTEXT_TAG, "training")),
          Optional.of(version));
    }
  }

  private static RunInfo requireActiveRun(Handle handle, String runId) {
    RunInfo info = requireRunInfo(handle, runId);
    if (info.lifecycleStage() != LifecycleStage.ACTIVE) {
      throw new IllegalArgumentException(
          "The run "
              + runId
              + " must be in the 'active' state. Current state is "
              + info.lifecycleStage().label()
              + ".");
    }
    return info;
  }

  private static RunInfo requireRunInfo(Handle handle, String runId) {
    return findRunInfo(handle, runId)
        .orElseThrow(() -> new NotFoundException("Run with id=" + runId + " not found"));
  }

  private static Optional<RunInfo> findRunInfo(Handle handle, String runId) {
    return handle
        .createQuery("SELECT " + SearchSql.RUN_COLUMNS + " FROM runs r WHERE r.run_uuid = :id")
        .bind("id", runId)
        .map((rs, ctx) -> runInfoRow(rs))
        .findOne();
  }

  private static RunInfo runInfoRow(ResultSet rs) throws SQLException {
    long end = rs.getLong("end_time");
    Optional<Long> endTime = rs.wasNull() ? Optional.empty() : Optional.of(end);
    return new RunInfo(
        rs.getString("run_uuid"),
        rs.getLong("experiment_id"),
        rs.getString("run_name"),
        Optional.ofNullable(rs.getString("user_id")),
        RunStatus.valueOf(rs.getString("status")),
        rs.getLong("start_time"),
        endTime,
        LifecycleStage.fromLabel(rs.getString("lifecycle_stage")),
        rs.getString("artifact_uri"));
  }

  private static Metric metricRow(ResultSet rs) throws SQLException {
    double value = rs.getDouble("metric_value");
    if (rs.getBoolean("is_nan")) {
      value = Double.NaN;
    }
    return new Metric(
        rs.getString("metric_key"), value, rs.getLong("metric_time"), rs.getLong("step"));
  }

  /** The runs with their latest metrics, params, tags and inputs, loaded in one query each. */
  private static List<Run> withData(Handle handle, List<RunInfo> infos) {
    if (infos.isEmpty()) {
      return List.of();
    }
    List<String> ids = infos.stream().map(RunInfo::runId).toList();
    Map<String, List<Metric>> metrics = new HashMap<>();
    handle
        .createQuery(
            "SELECT run_uuid, metric_key, metric_value, is_nan, metric_time, step"
                + " FROM latest_metrics WHERE run_uuid IN (<ids>) ORDER BY metric_key")
        .bindList("ids", ids)
        .map(
            (rs, ctx) -> {
              metrics
                  .computeIfAbsent(rs.getString("run_uuid"), k -> new ArrayList<>())
                  .add(metricRow(rs));
              return null;
            })
        .list();
    Map<String, Map<String, String>> params = keyValues(handle, "params", "param", ids);
    Map<String, Map<String, String>> tags = keyValues(handle, "run_tags", "tag", ids);
    Map<String, List<RunInput>> inputs = new HashMap<>();
    handle
        .createQuery(
            "SELECT run_uuid, dataset_name, digest, source_type, source, dataset_schema,"
                + " dataset_profile, input_tags, dataset_version_id FROM run_inputs"
                + " WHERE run_uuid IN (<ids>) ORDER BY id")
        .bindList("ids", ids)
        .map(
            (rs, ctx) -> {
              inputs
                  .computeIfAbsent(rs.getString("run_uuid"), k -> new ArrayList<>())
                  .add(
                      new RunInput(
                          rs.getString("dataset_name"),
                          rs.getString("digest"),
                          rs.getString("source_type"),
                          rs.getString("source"),
                          Optional.ofNullable(rs.getString("dataset_schema")),
                          Optional.ofNullable(rs.getString("dataset_profile")),
                          new TreeMap<>(FlatJson.parse(rs.getString("input_tags"))),
                          Optional.ofNullable(rs.getString("dataset_version_id"))));
              return null;
            })
        .list();
    return infos.stream()
        .map(
            info ->
                new Run(
                    info,
                    metrics.getOrDefault(info.runId(), List.of()),
                    new TreeMap<>(params.getOrDefault(info.runId(), Map.of())),
                    new TreeMap<>(tags.getOrDefault(info.runId(), Map.of())),
                    inputs.getOrDefault(info.runId(), List.of())))
        .collect(Collectors.toList());
  }

  private static Map<String, Map<String, String>> keyValues(
      Handle handle, String table, String prefix, List<String> ids) {
    Map<String, Map<String, String>> out = new HashMap<>();
    handle
        .createQuery(
            "SELECT run_uuid, "
                + prefix
                + "_key, "
                + prefix
                + "_value FROM "
                + table
                + " WHERE run_uuid IN (<ids>)")
        .bindList("ids", ids)
        .map(
            (rs, ctx) -> {
              out.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                  .put(rs.getString(2), rs.getString(3));
              return null;
            })
        .list();
    return out;
  }

  private static String randomName() {
    return ADJECTIVES[RANDOM.nextInt(ADJECTIVES.length)]
        + "-"
        + NOUNS[RANDOM.nextInt(NOUNS.length)]
        + "-"
        + HexFormat.of().toHexDigits((byte) RANDOM.nextInt(256));
  }
}
