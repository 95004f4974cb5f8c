package dev.tend.registry;

import static java.util.Objects.requireNonNull;

import dev.tend.artifacts.ArtifactStore;
import dev.tend.artifacts.Blob;
import dev.tend.artifacts.ManifestEntry;
import dev.tend.store.ConflictException;
import dev.tend.store.Database;
import dev.tend.store.Ids;
import dev.tend.store.NotFoundException;
import dev.tend.store.Page;
import dev.tend.store.internal.AuditWriter;
import dev.tend.store.internal.PageTokens;
import dev.tend.tracking.KeyValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

final class JdbiRegistryRepository implements RegistryRepository {
  private static final Pattern RUNS_URI = Pattern.compile("runs:/([^/]+)(?:/(.*))?");
  private static final Pattern PROXY_URI =
      Pattern.compile("mlflow-artifacts:/+([0-9]+)/([0-9a-f]{32})/artifacts(?:/(.*))?");
  private static final String DELETED = "Deleted_Internal";

  private final Database database;
  private final ArtifactStore artifacts;

  JdbiRegistryRepository(Database database, ArtifactStore artifacts) {
    this.database = requireNonNull(database, "database is null");
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
  }

  // ---------------------------------------------------------------- registered models

  @Override
  public RegisteredModel createModel(
      String projectId,
      String name,
      Optional<String> description,
      List<KeyValue> tags,
      String actor) {
    requireNonNull(projectId, "projectId is null");
    RegistryRules.requireModelName(name);
    requireNonNull(description, "description is null");
    requireNonNull(actor, "actor is null");
    tags.forEach(t -> RegistryRules.requireTag(t.key(), t.value()));
    String id = Ids.next();
    long now = database.now().toEpochMilli();
    try {
      return database.write(
          handle -> {
            if (findModel(handle, projectId, name).isPresent()) {
              throw new ConflictException("Registered Model (name=" + name + ") already exists.");
            }
            handle
                .createUpdate(
                    "INSERT INTO registered_models (id, project_id, name, description,"
                        + " creation_time, last_updated_time, created_by)"
                        + " VALUES (:id, :project, :name, :description, :now, :now, :actor)")
                .bind("id", id)
                .bind("project", projectId)
                .bind("name", name)
                .bind("description", description.filter(d -> !d.isEmpty()).orElse(null))
                .bind("now", now)
                .bind("actor", actor)
                .execute();
            for (KeyValue tag : tags) {
              upsertModelTag(handle, id, tag.key(), tag.value());
            }
            audit(handle, actor, "model.create", projectId, "model/" + id, Map.of("name", name));
            return requireModel(handle, id);
          });
    } catch (ConflictException e) {
      if (e.getCause() == null) {
        throw e;
      }
      throw new ConflictException("Registered Model (name=" + name + ") already exists.", e);
    }
  }

  @Override
  public Optional<RegisteredModel> model(String id) {
    requireNonNull(id, "id is null");
    return database.read(handle -> findModel(handle, id));
  }

  @Override
  public Optional<RegisteredModel> model(String projectId, String name) {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(name, "name is null");
    return database.read(handle -> findModel(handle, projectId, name));
  }

  @Override
  public List<RegisteredModel> modelsNamed(String name) {
    requireNonNull(name, "name is null");
    return database.read(
        handle ->
            withModelDetails(
                handle,
                handle
                    .createQuery(
                        "SELECT "
                            + RegistrySql.MODEL_COLUMNS
                            + " FROM registered_models m WHERE m.name = :name ORDER BY m.id")
                    .bind("name", name)
                    .map((rs, ctx) -> modelRow(rs))
                    .list()));
  }

  @Override
  public RegisteredModel renameModel(String modelId, String newName, String actor) {
    RegistryRules.requireModelName(newName);
    requireNonNull(actor, "actor is null");
    try {
      return database.write(
          handle -> {
            RegisteredModel model = requireModel(handle, modelId);
            Optional<RegisteredModel> holder = findModel(handle, model.projectId(), newName);
            if (holder.isPresent() && !holder.get().id().equals(modelId)) {
              throw new ConflictException(
                  "Registered Model (name=" + newName + ") already exists.");
            }
            handle
                .createUpdate(
                    "UPDATE registered_models SET name = :name, last_updated_time = :now"
                        + " WHERE id = :id")
                .bind("name", newName)
                .bind("now", database.now().toEpochMilli())
                .bind("id", modelId)
                .execute();
            audit(
                handle,
                actor,
                "model.rename",
                model.projectId(),
                "model/" + modelId,
                Map.of("from", model.name(), "to", newName));
            return requireModel(handle, modelId);
          });
    } catch (ConflictException e) {
      if (e.getCause() == null) {
        throw e;
      }
      throw new ConflictException("Registered Model (name=" + newName + ") already exists.", e);
    }
  }

  @Override
  public RegisteredModel updateModel(String modelId, String description, String actor) {
    requireNonNull(description, "description is null");
    requireNonNull(actor, "actor is null");
    return database.write(
        handle -> {
          RegisteredModel model = requireModel(handle, modelId);
          handle
              .createUpdate(
                  "UPDATE registered_models SET description = :description,"
                      + " last_updated_time = :now WHERE id = :id")
              .bind("description", description.isEmpty() ? null : description)
              .bind("now", database.now().toEpochMilli())
              .bind("id", modelId)
              .execute();
          audit(
              handle,
              actor,
              "model.update",
              model.projectId(),
              "model/" + modelId,
              Map.of("description", description));
          return requireModel(handle, modelId);
        });
  }

  @Override
  public void deleteModel(String modelId, String actor) {
    requireNonNull(actor, "actor is null");
    database.write(
        handle -> {
          RegisteredModel model = requireModel(handle, modelId);
          handle
              .createUpdate("DELETE FROM registered_model_aliases WHERE model_id = :id")
              .bind("id", modelId)
              .execute();
          handle
              .createUpdate("DELETE FROM model_versions WHERE model_id = :id")
              .bind("id", modelId)
              .execute();
          handle
              .createUpdate("DELETE FROM registered_models WHERE id = :id")
              .bind("id", modelId)
              .execute();
          audit(
              handle,
              actor,
              "model.delete",
              model.projectId(),
              "model/" + modelId,
              Map.of("name", model.name()));
          return null;
        });
  }

  @Override
  public void setModelTag(String modelId, String key, String value) {
    RegistryRules.requireTag(key, value);
    database.write(
        handle -> {
          requireModel(handle, modelId);
          upsertModelTag(handle, modelId, key, value);
          touchModel(handle, modelId);
          return null;
        });
  }

  @Override
  public void deleteModelTag(String modelId, String key) {
    requireNonNull(key, "key is null");
    database.write(
        handle -> {
          RegisteredModel model = requireModel(handle, modelId);
          int deleted =
              handle
                  .createUpdate(
                      "DELETE FROM registered_model_tags WHERE model_id = :id AND tag_key = :key")
                  .bind("id", modelId)
                  .bind("key", key)
                  .execute();
          if (deleted == 0) {
            throw new NotFoundException(
                "No tag with name: " + key + " in registered model " + model.name());
          }
          touchModel(handle, modelId);
          return null;
        });
  }

  @Override
  public Page<RegisteredModel> searchModels(ModelSearch search) {
    requireNonNull(search, "search is null");
    checkMaxResults(search.maxResults(), MAX_MODEL_RESULTS);
    int offset = PageTokens.offset(search.pageToken());
    RegistrySql.Query sql = RegistrySql.models(search, database.dialect(), offset);
    return database.read(
        handle -> {
          Query query = handle.createQuery(sql.sql());
          sql.binds().forEach(query::bind);
          List<RegisteredModel> rows = query.map((rs, ctx) -> modelRow(rs)).list();
          return page(withModelDetails(handle, rows), search.maxResults(), offset);
        });
  }

  // ---------------------------------------------------------------- model versions

  /** A run's artifacts named by a version's source. */
  private record RunSource(String runId, String path) {}

  /** What the store knows of the run a version comes from. */
  private record SourceRun(String runId, long experimentId, String artifactUri) {}

  @Override
  public ModelVersion createVersion(String modelId, NewModelVersion request, String actor) {
    requireNonNull(modelId, "modelId is null");
    requireNonNull(request, "request is null");
    requireNonNull(actor, "actor is null");
    if (request.source().isEmpty()) {
      throw new IllegalArgumentException(
          "Missing value for required parameter 'source'. See the API docs for more information"
              + " about request parameters.");
    }
    request.tags().forEach(t -> RegistryRules.requireTag(t.key(), t.value()));
    Optional<RunSource> runSource = runSource(request.source());
    if (runSource.isPresent()
        && request.runId().isPresent()
        && !request.runId().get().equals(runSource.get().runId())) {
      throw new IllegalArgumentException(
          "The source '"
              + request.source()
              + "' names run "
              + runSource.get().runId()
              + " but run_id is "
              + request.runId().get());
    }
    Optional<String> runId = runSource.map(RunSource::runId).or(request::runId);
    String id = Ids.next();
    long now = database.now().toEpochMilli();
    return database.write(
        handle -> {
          RegisteredModel model = requireModel(handle, modelId);
          Optional<SourceRun> run = runId.map(r -> requireRunOfProject(handle, r, model));
          runSource.ifPresent(
              source -> {
                Matcher proxy = PROXY_URI.matcher(request.source());
                if (proxy.matches() && Long.parseLong(proxy.group(1)) != run.get().experimentId()) {
                  throw new IllegalArgumentException(
                      "The source '"
                          + request.source()
                          + "' names experiment "
                          + proxy.group(1)
                          + " but run "
                          + source.runId()
                          + " belongs to experiment "
                          + run.get().experimentId());
                }
              });
          List<ManifestEntry> files =
              runSource.map(s -> runFiles(handle, s.runId(), s.path())).orElse(List.of());
          ModelVersionStatus status = ModelVersionStatus.READY;
          Optional<String> statusMessage = Optional.empty();
          if (runSource.isPresent() && files.isEmpty()) {
            status = ModelVersionStatus.FAILED_REGISTRATION;
            statusMessage =
                Optional.of(
                    "run "
                        + runSource.get().runId()
                        + " has no artifacts under '"
                        + runSource.get().path()
                        + "'; log the model before registering it");
          }
          MlModelFile.Description description = describe(files);
          SortedMap<String, Double> metrics =
              run.map(r -> runMetrics(handle, r.runId())).orElse(new TreeMap<>());
          Optional<String> datasetVersion = run.flatMap(r -> trainingDataset(handle, r.runId()));
          int number = nextVersion(handle, modelId, now);
          Optional<String> storage =
              runSource.map(
                  s -> run.get().artifactUri() + (s.path().isEmpty() ? "" : "/" + s.path()));
          Optional<String> manifest = Optional.empty();
          if (status == ModelVersionStatus.READY) {
            manifest =
                Optional.of(
                    putManifest(
                        new ModelManifest(
                            model.name(),
                            number,
                            model.projectId(),
                            request.source(),
                            runId,
                            description.format(),
                            description.signature(),
                            metrics,
                            datasetVersion,
                            files,
                            now,
                            actor)));
          }
          handle
              .createUpdate(
                  "INSERT INTO model_versions (id, model_id, version, creation_time,"
                      + " last_updated_time, user_id, current_stage, description, source,"
                      + " run_uuid, run_link, status, status_message, storage_location,"
                      + " model_format, manifest_sha256, dataset_version_id) VALUES (:id, :model,"
                      + " :version, :now, :now, :user, 'None', :description, :source, :run,"
                      + " :link, :status, :message, :storage, :format, :manifest, :dataset)")
              .bind("id", id)
              .bind("model", modelId)
              .bind("version", number)
              .bind("now", now)
              .bind("user", request.userId().orElse(null))
              .bind("description", request.description().filter(d -> !d.isEmpty()).orElse(null))
              .bind("source", request.source())
              .bind("run", runId.orElse(null))
              .bind("link", request.runLink().filter(l -> !l.isEmpty()).orElse(null))
              .bind("status", status.name())
              .bind("message", statusMessage.orElse(null))
              .bind("storage", storage.orElse(null))
              .bind("format", description.format().label())
              .bind("manifest", manifest.orElse(null))
              .bind("dataset", datasetVersion.orElse(null))
              .execute();
          for (KeyValue tag : request.tags()) {
            upsertVersionTag(handle, id, tag.key(), tag.value());
          }
          insertDetails(handle, id, files, description.signature(), metrics);
          Set<String> trainedOn = new LinkedHashSet<>();
          datasetVersion.ifPresent(trainedOn::add);
          run.ifPresent(r -> trainedOn.addAll(trainingDatasets(handle, r.runId())));
          for (String version : trainedOn) {
            handle
                .createUpdate(
                    "INSERT INTO version_usages (version_id, used_by_kind, used_by_id,"
                        + " recorded_at) VALUES (:version, :kind, :id, :at)"
                        + " ON CONFLICT (version_id, used_by_kind, used_by_id) DO NOTHING")
                .bind("version", version)
                .bind("kind", USAGE_KIND)
                .bind("id", id)
                .bind("at", now)
                .execute();
          }
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("model", model.name());
          details.put("version", number);
          details.put("source", request.source());
          details.put("status", status.name());
          audit(
              handle,
              actor,
              "model_version.create",
              model.projectId(),
              "model_version/" + id,
              details);
          return requireVersion(handle, modelId, number);
        });
  }

  @Override
  public Optional<ModelVersion> version(String modelId, int version) {
    requireNonNull(modelId, "modelId is null");
    return database.read(handle -> findVersion(handle, modelId, version));
  }

  @Override
  public Optional<ModelVersion> versionById(String versionId) {
    requireNonNull(versionId, "versionId is null");
    return database.read(
        handle ->
            versions(
                    handle,
                    "WHERE v.id = :id AND v.current_stage <> '" + DELETED + "'",
                    Map.of("id", versionId))
                .stream()
                .findFirst());
  }

  @Override
  public ModelVersion updateVersion(String modelId, int version, String description, String actor) {
    requireNonNull(description, "description is null");
    requireNonNull(actor, "actor is null");
    return database.write(
        handle -> {
          ModelVersion current = requireVersion(handle, modelId, version);
          handle
              .createUpdate(
                  "UPDATE model_versions SET description = :description,"
                      + " last_updated_time = :now WHERE id = :id")
              .bind("description", description.isEmpty() ? null : description)
              .bind("now", database.now().toEpochMilli())
              .bind("id", current.id())
              .execute();
          auditVersion(
              handle, actor, "model_version.update", current, Map.of("description", description));
          return requireVersion(handle, modelId, version);
        });
  }

  @Override
  public ModelVersion transitionStage(
      String modelId, int version, ModelStage stage, boolean archiveExisting, String actor) {
    requireNonNull(stage, "stage is null");
    requireNonNull(actor, "actor is null");
    if (archiveExisting && !stage.isActive()) {
      throw new IllegalArgumentException(
          "Model version transition cannot archive existing model versions because '"
              + stage.label()
              + "' is not an Active stage. Valid stages are Staging, Production");
    }
    long now = database.now().toEpochMilli();
    return database.write(
        handle -> {
          ModelVersion current = requireVersion(handle, modelId, version);
          List<Integer> archived = new ArrayList<>();
          if (archiveExisting) {
            archived =
                handle
                    .createQuery(
                        "SELECT version FROM model_versions WHERE model_id = :model"
                            + " AND current_stage = :stage AND id <> :id ORDER BY version")
                    .bind("model", modelId)
                    .bind("stage", stage.label())
                    .bind("id", current.id())
                    .mapTo(Integer.class)
                    .list();
            handle
                .createUpdate(
                    "UPDATE model_versions SET current_stage = 'Archived',"
                        + " last_updated_time = :now WHERE model_id = :model"
                        + " AND current_stage = :stage AND id <> :id")
                .bind("now", now)
                .bind("model", modelId)
                .bind("stage", stage.label())
                .bind("id", current.id())
                .execute();
          }
          handle
              .createUpdate(
                  "UPDATE model_versions SET current_stage = :stage, last_updated_time = :now"
                      + " WHERE id = :id")
              .bind("stage", stage.label())
              .bind("now", now)
              .bind("id", current.id())
              .execute();
          touchModel(handle, modelId);
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("from", current.stage().label());
          details.put("to", stage.label());
          details.put("archived", archived.toString());
          auditVersion(handle, actor, "model_version.transition", current, details);
          return requireVersion(handle, modelId, version);
        });
  }

  @Override
  public void deleteVersion(String modelId, int version, String actor) {
    requireNonNull(actor, "actor is null");
    database.write(
        handle -> {
          ModelVersion current = requireVersion(handle, modelId, version);
          handle
              .createUpdate("DELETE FROM registered_model_aliases WHERE version_id = :id")
              .bind("id", current.id())
              .execute();
          handle
              .createUpdate(
                  "UPDATE model_versions SET current_stage = '"
                      + DELETED
                      + "', last_updated_time = :now WHERE id = :id")
              .bind("now", database.now().toEpochMilli())
              .bind("id", current.id())
              .execute();
          touchModel(handle, modelId);
          auditVersion(handle, actor, "model_version.delete", current, Map.of());
          return null;
        });
  }

  @Override
  public void setVersionTag(String modelId, int version, String key, String value) {
    RegistryRules.requireTag(key, value);
    database.write(
        handle -> {
          ModelVersion current = requireVersion(handle, modelId, version);
          upsertVersionTag(handle, current.id(), key, value);
          return null;
        });
  }

  @Override
  public void deleteVersionTag(String modelId, int version, String key) {
    requireNonNull(key, "key is null");
    database.write(
        handle -> {
          ModelVersion current = requireVersion(handle, modelId, version);
          int deleted =
              handle
                  .createUpdate(
                      "DELETE FROM model_version_tags WHERE version_id = :id AND tag_key = :key")
                  .bind("id", current.id())
                  .bind("key", key)
                  .execute();
          if (deleted == 0) {
            throw new NotFoundException(
                "No tag with name: "
                    + key
                    + " in model version (name="
                    + current.modelName()
                    + ", version="
                    + version
                    + ")");
          }
          return null;
        });
  }

  @Override
  public List<ModelVersion> latestVersions(String modelId, List<ModelStage> stages) {
    requireNonNull(stages, "stages is null");
    return database.read(
        handle -> {
          requireModel(handle, modelId);
          List<ModelVersion> all =
              versions(
                  handle,
                  "WHERE v.model_id = :model AND v.current_stage <> '"
                      + DELETED
                      + "' ORDER BY v.version",
                  Map.of("model", modelId));
          Map<ModelStage, ModelVersion> latest = new LinkedHashMap<>();
          for (ModelVersion v : all) {
            latest.put(v.stage(), v);
          }
          return latest.values().stream()
              .filter(v -> stages.isEmpty() || stages.contains(v.stage()))
              .sorted(java.util.Comparator.comparingInt(ModelVersion::version))
              .toList();
        });
  }

  @Override
  public void setAlias(String modelId, String alias, int version, String actor) {
    RegistryRules.requireAlias(alias);
    requireNonNull(actor, "actor is null");
    database.write(
        handle -> {
          ModelVersion target = requireVersion(handle, modelId, version);
          handle
              .createUpdate(
                  "INSERT INTO registered_model_aliases (model_id, alias, version_id)"
                      + " VALUES (:model, :alias, :version) ON CONFLICT (model_id, alias)"
                      + " DO UPDATE SET version_id = excluded.version_id")
              .bind("model", modelId)
              .bind("alias", alias)
              .bind("version", target.id())
              .execute();
          touchModel(handle, modelId);
          auditVersion(handle, actor, "model.alias.set", target, Map.of("alias", alias));
          return null;
        });
  }

  @Override
  public void deleteAlias(String modelId, String alias, String actor) {
    requireNonNull(alias, "alias is null");
    requireNonNull(actor, "actor is null");
    database.write(
        handle -> {
          RegisteredModel model = requireModel(handle, modelId);
          int deleted =
              handle
                  .createUpdate(
                      "DELETE FROM registered_model_aliases WHERE model_id = :model"
                          + " AND alias = :alias")
                  .bind("model", modelId)
                  .bind("alias", alias)
                  .execute();
          if (deleted > 0) {
            touchModel(handle, modelId);
            audit(
                handle,
                actor,
                "model.alias.delete",
                model.projectId(),
                "model/" + modelId,
                Map.of("alias", alias));
          }
          return null;
        });
  }

  @Override
  public Optional<ModelVersion> versionByAlias(String modelId, String alias) {
    requireNonNull(alias, "alias is null");
    return database.read(
        handle -> {
          requireModel(handle, modelId);
          List<ModelVersion> found =
              versions(
                  handle,
                  "JOIN registered_model_aliases a ON a.version_id = v.id"
                      + " WHERE a.model_id = :model AND a.alias = :alias",
                  Map.of("model", modelId, "alias", alias));
          return found.stream().findFirst();
        });
  }

  @Override
  public Page<ModelVersion> searchVersions(ModelSearch search) {
    requireNonNull(search, "search is null");
    checkMaxResults(search.maxResults(), MAX_VERSION_RESULTS);
    int offset = PageTokens.offset(search.pageToken());
    RegistrySql.Query sql = RegistrySql.versions(search, database.dialect(), offset);
    return database.read(
        handle -> {
          Query query = handle.createQuery(sql.sql());
          sql.binds().forEach(query::bind);
          List<ModelVersion> rows =
              withVersionDetails(handle, query.map((rs, ctx) -> versionRow(rs)).list());
          return page(rows, search.maxResults(), offset);
        });
  }

  // ---------------------------------------------------------------- sources and lineage

  private static Optional<RunSource> runSource(String source) {
    Matcher runs = RUNS_URI.matcher(source);
    Matcher proxy = PROXY_URI.matcher(source);
    String runId;
    String path;
    if (runs.matches()) {
      runId = runs.group(1);
      path = runs.group(2);
    } else if (proxy.matches()) {
      runId = proxy.group(2);
      path = proxy.group(3);
    } else {
      return Optional.empty();
    }
    path = path == null ? "" : path;
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (!path.isEmpty()) {
      try {
        ManifestEntry.requireValidPath(path);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Invalid model version source '" + source + "': " + e.getMessage(), e);
      }
    }
    return Optional.of(new RunSource(runId, path));
  }

  private static SourceRun requireRunOfProject(Handle handle, String runId, RegisteredModel model) {
    Optional<Map<String, Object>> row =
        handle
            .createQuery(
                "SELECT r.run_uuid, r.experiment_id, r.artifact_uri, e.project_id FROM runs r"
                    + " JOIN experiments e ON e.experiment_id = r.experiment_id"
                    + " WHERE r.run_uuid = :run")
            .bind("run", runId)
            .mapToMap()
            .findOne();
    if (row.isEmpty()) {
      throw new NotFoundException("Run with id=" + runId + " not found");
    }
    if (!model.projectId().equals(row.get().get("project_id"))) {
      throw new IllegalArgumentException(
          "Run "
              + runId
              + " belongs to another Tend project than the registered model '"
              + model.name()
              + "'; register it in a model of the run's project");
    }
    return new SourceRun(
        runId,
        ((Number) row.get().get("experiment_id")).longValue(),
        (String) row.get().get("artifact_uri"));
  }

  /* The files at or under path, relative to it (a file path alone gives its own name). */
  private static List<ManifestEntry> runFiles(Handle handle, String runId, String path) {
    List<ManifestEntry> out = new ArrayList<>();
    for (ManifestEntry file :
        handle
            .createQuery(
                "SELECT path, size_bytes, sha256 FROM run_artifacts WHERE run_uuid = :run"
                    + " ORDER BY path")
            .bind("run", runId)
            .map((rs, ctx) -> new ManifestEntry(rs.getString(1), rs.getLong(2), rs.getString(3)))
            .list()) {
      String relative;
      if (path.isEmpty()) {
        relative = file.path();
      } else if (file.path().equals(path)) {
        relative = path.substring(path.lastIndexOf('/') + 1);
      } else if (file.path().startsWith(path + "/")) {
        relative = file.path().substring(path.length() + 1);
      } else {
        continue;
      }
      out.add(new ManifestEntry(relative, file.size(), file.sha256()));
    }
    return out;
  }

  private MlModelFile.Description describe(List<ManifestEntry> files) {
    Optional<ManifestEntry> mlmodel =
        files.stream().filter(f -> f.path().equals(MlModelFile.FILE_NAME)).findFirst();
    if (mlmodel.isEmpty()) {
      return new MlModelFile.Description(
          MlModelFile.formatOfFiles(files.stream().map(ManifestEntry::path).toList()),
          Signature.NONE);
    }
    String text;
    try (InputStream in = artifacts.open(mlmodel.get().sha256())) {
      text = new String(in.readNBytes((1 << 20) + 1), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new dev.tend.store.StoreException("cannot read the model's MLmodel file", e);
    }
    return MlModelFile.parse(text);
  }

  private static SortedMap<String, Double> runMetrics(Handle handle, String runId) {
    SortedMap<String, Double> metrics = new TreeMap<>();
    handle
        .createQuery(
            "SELECT metric_key, metric_value, is_nan FROM latest_metrics WHERE run_uuid = :run")
        .bind("run", runId)
        .map(
            (rs, ctx) -> {
              double value = rs.getDouble(2);
              metrics.put(rs.getString(1), rs.getBoolean(3) ? Double.NaN : value);
              return null;
            })
        .list();
    return metrics;
  }

  /* The dataset version the run trained on: a training input first, then the newest linked one. */
  private static Optional<String> trainingDataset(Handle handle, String runId) {
    return handle
        .createQuery(
            "SELECT dataset_version_id FROM run_inputs WHERE run_uuid = :run"
                + " AND dataset_version_id IS NOT NULL"
                + " ORDER BY CASE WHEN context = 'training' THEN 0 ELSE 1 END, id DESC LIMIT 1")
        .bind("run", runId)
        .mapTo(String.class)
        .findOne();
  }

  /* Every dataset version the run logged as a training input (a rolling window logs several). */
  private static List<String> trainingDatasets(Handle handle, String runId) {
    return handle
        .createQuery(
            "SELECT dataset_version_id FROM run_inputs WHERE run_uuid = :run"
                + " AND dataset_version_id IS NOT NULL AND context = 'training' ORDER BY id")
        .bind("run", runId)
        .mapTo(String.class)
        .list();
  }

  private String putManifest(ModelManifest manifest) {
    Blob blob = artifacts.put(new ByteArrayInputStream(manifest.toJson()));
    return blob.sha256();
  }

  private static int nextVersion(Handle handle, String modelId, long now) {
    handle
        .createUpdate(
            "UPDATE registered_models SET last_version = last_version + 1,"
                + " last_updated_time = :now WHERE id = :id")
        .bind("now", now)
        .bind("id", modelId)
        .execute();
    return handle
        .createQuery("SELECT last_version FROM registered_models WHERE id = :id")
        .bind("id", modelId)
        .mapTo(Integer.class)
        .one();
  }

  private static void insertDetails(
      Handle handle,
      String versionId,
      List<ManifestEntry> files,
      Signature signature,
      Map<String, Double> metrics) {
    for (ManifestEntry file : files) {
      handle
          .createUpdate(
              "INSERT INTO model_version_files (version_id, path, size_bytes, sha256)"
                  + " VALUES (:id, :path, :size, :sha)")
          .bind("id", versionId)
          .bind("path", file.path())
          .bind("size", file.size())
          .bind("sha", file.sha256())
          .execute();
    }
    insertColumns(handle, versionId, "input", signature.inputs());
    insertColumns(handle, versionId, "output", signature.outputs());
    metrics.forEach(
        (key, value) ->
            handle
                .createUpdate(
                    "INSERT INTO model_version_metrics (version_id, metric_key, metric_value,"
                        + " is_nan) VALUES (:id, :key, :value, :nan)")
                .bind("id", versionId)
                .bind("key", key)
                .bind("value", Double.isNaN(value) ? null : value)
                .bind("nan", Double.isNaN(value))
                .execute());
  }

  private static void insertColumns(
      Handle handle, String versionId, String side, List<SignatureColumn> columns) {
    for (int i = 0; i < columns.size(); i++) {
      SignatureColumn column = columns.get(i);
      handle
          .createUpdate(
              "INSERT INTO model_version_signature (version_id, side, position, column_name,"
                  + " column_type) VALUES (:id, :side, :position, :name, :type)")
          .bind("id", versionId)
          .bind("side", side)
          .bind("position", i)
          .bind("name", column.name().orElse(null))
          .bind("type", column.type())
          .execute();
    }
  }

  // ---------------------------------------------------------------- reading rows

  private static RegisteredModel requireModel(Handle handle, String id) {
    return findModel(handle, id)
        .orElseThrow(() -> new NotFoundException("Registered Model with id=" + id + " not found"));
  }

  private static Optional<RegisteredModel> findModel(Handle handle, String id) {
    return handle
        .createQuery(
            "SELECT " + RegistrySql.MODEL_COLUMNS + " FROM registered_models m WHERE m.id = :id")
        .bind("id", id)
        .map((rs, ctx) -> modelRow(rs))
        .findOne()
        .map(m -> withModelDetails(handle, List.of(m)).get(0));
  }

  private static Optional<RegisteredModel> findModel(Handle handle, String projectId, String name) {
    return handle
        .createQuery(
            "SELECT "
                + RegistrySql.MODEL_COLUMNS
                + " FROM registered_models m WHERE m.project_id = :project AND m.name = :name")
        .bind("project", projectId)
        .bind("name", name)
        .map((rs, ctx) -> modelRow(rs))
        .findOne()
        .map(m -> withModelDetails(handle, List.of(m)).get(0));
  }

  private static RegisteredModel modelRow(ResultSet rs) throws SQLException {
    return new RegisteredModel(
        rs.getString("id"),
        rs.getString("project_id"),
        rs.getString("name"),
        Optional.ofNullable(rs.getString("description")),
        rs.getLong("creation_time"),
        rs.getLong("last_updated_time"),
        rs.getString("created_by"),
        new TreeMap<>(),
        new TreeMap<>());
  }

  private static List<RegisteredModel> withModelDetails(
      Handle handle, List<RegisteredModel> models) {
    if (models.isEmpty()) {
      return models;
    }
    List<String> ids = models.stream().map(RegisteredModel::id).toList();
    Map<String, Map<String, String>> tags = new HashMap<>();
    handle
        .createQuery(
            "SELECT model_id, tag_key, tag_value FROM registered_model_tags"
                + " WHERE model_id IN (<ids>)")
        .bindList("ids", ids)
        .map(
            (rs, ctx) -> {
              tags.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                  .put(rs.getString(2), rs.getString(3));
              return null;
            })
        .list();
    Map<String, Map<String, Integer>> aliases = new HashMap<>();
    handle
        .createQuery(
            "SELECT a.model_id, a.alias, v.version FROM registered_model_aliases a"
                + " JOIN model_versions v ON v.id = a.version_id WHERE a.model_id IN (<ids>)")
        .bindList("ids", ids)
        .map(
            (rs, ctx) -> {
              aliases
                  .computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                  .put(rs.getString(2), rs.getInt(3));
              return null;
            })
        .list();
    return models.stream()
        .map(
            m ->
                new RegisteredModel(
                    m.id(),
                    m.projectId(),
                    m.name(),
                    m.description(),
                    m.creationTime(),
                    m.lastUpdatedTime(),
                    m.createdBy(),
                    new TreeMap<>(tags.getOrDefault(m.id(), Map.of())),
                    new TreeMap<>(aliases.getOrDefault(m.id(), Map.of()))))
        .toList();
  }

  private static ModelVersion requireVersion(Handle handle, String modelId, int version) {
    return findVersion(handle, modelId, version)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "Model Version (name="
                        + requireModel(handle, modelId).name()
                        + ", version="
                        + version
                        + ") not found"));
  }

  private static Optional<ModelVersion> findVersion(Handle handle, String modelId, int version) {
    return versions(
            handle,
            "WHERE v.model_id = :model AND v.version = :version AND v.current_stage <> '"
                + DELETED
                + "'",
            Map.of("model", modelId, "version", version))
        .stream()
        .findFirst();
  }

  private static List<ModelVersion> versions(
      Handle handle, String condition, Map<String, Object> binds) {
    Query query =
        handle.createQuery(
            "SELECT "
                + RegistrySql.VERSION_COLUMNS
                + " FROM model_versions v JOIN registered_models m ON m.id = v.model_id "
                + condition);
    binds.forEach(query::bind);
    return withVersionDetails(handle, query.map((rs, ctx) -> versionRow(rs)).list());
  }

  private static ModelVersion versionRow(ResultSet rs) throws SQLException {
    return new ModelVersion(
        rs.getString("id"),
        rs.getString("model_id"),
        rs.getString("model_name"),
        rs.getInt("version"),
        rs.getLong("creation_time"),
        rs.getLong("last_updated_time"),
        Optional.ofNullable(rs.getString("user_id")),
        ModelStage.fromLabel(rs.getString("current_stage")),
        Optional.ofNullable(rs.getString("description")),
        rs.getString("source"),
        Optional.ofNullable(rs.getString("run_uuid")),
        Optional.ofNullable(rs.getString("run_link")),
        ModelVersionStatus.valueOf(rs.getString("status")),
        Optional.ofNullable(rs.getString("status_message")),
        Optional.ofNullable(rs.getString("storage_location")),
        ModelFormat.fromLabel(rs.getString("model_format")),
        Optional.ofNullable(rs.getString("manifest_sha256")),
        Optional.ofNullable(rs.getString("dataset_version_id")),
        new TreeMap<>(),
        List.of(),
        Signature.NONE,
        new TreeMap<>(),
        List.of());
  }

  /** The versions with their tags, aliases, signatures, metrics and files, one query each. */
  private static List<ModelVersion> withVersionDetails(Handle handle, List<ModelVersion> rows) {
    if (rows.isEmpty()) {
      return rows;
    }
    List<String> ids = rows.stream().map(ModelVersion::id).toList();
    Map<String, Map<String, String>> tags = new HashMap<>();
    handle
        .createQuery(
            "SELECT version_id, tag_key, tag_value FROM model_version_tags"
                + " WHERE version_id IN (<ids>)")
        .bindList("ids", ids)
        .map(
            (rs, ctx) -> {
              tags.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                  .put(rs.getString(2), rs.getString(3));
              return null;
            })
        .list();
    Map<String, List<String>> aliases = new HashMap<>();
    handle
        .createQuery(
            "SELECT version_id, alias FROM registered_model_aliases WHERE version_id IN (<ids>)"
                + " ORDER BY alias")
        .bindList("ids", ids)
        .map(
            (rs, ctx) -> {
              aliases.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
              return null;
            })
        .list();
    Map<String, List<SignatureColumn>> inputs = new HashMap<>();
    Map<String, List<SignatureColumn>> outputs = new HashMap<>();
    handle
        .createQuery(
            "SELECT version_id, side, column_name, column_type FROM model_version_signature"
                + " WHERE version_id IN (<ids>) ORDER BY version_id, side, position")
        .bindList("ids", ids)
        .map(
            (rs, ctx) -> {
              (rs.getString(2).equals("input") ? inputs : outputs)
                  .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                  .add(new SignatureColumn(Optional.ofNullable(rs.getString(3)), rs.getString(4)));
              return null;
            })
        .list();
    Map<String, SortedMap<String, Double>> metrics = new HashMap<>();
    handle
        .createQuery(
            "SELECT version_id, metric_key, metric_value, is_nan FROM model_version_metrics"
                + " WHERE version_id IN (<ids>)")
        .bindList("ids", ids)
        .map(
            (rs, ctx) -> {
              double value = rs.getDouble(3);
              metrics
                  .computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                  .put(rs.getString(2), rs.getBoolean(4) ? Double.NaN : value);
              return null;
            })
        .list();
    Map<String, List<ManifestEntry>> files = new HashMap<>();
    handle
        .createQuery(
            "SELECT version_id, path, size_bytes, sha256 FROM model_version_files"
                + " WHERE version_id IN (<ids>) ORDER BY version_id, path")
        .bindList("ids", ids)
        .map(
            (rs, ctx) -> {
              files
                  .computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                  .add(new ManifestEntry(rs.getString(2), rs.getLong(3), rs.getString(4)));
              return null;
            })
        .list();
    return rows.stream()
        .map(
            v ->
                new ModelVersion(
                    v.id(),
                    v.modelId(),
                    v.modelName(),
                    v.version(),
                    v.creationTime(),
                    v.lastUpdatedTime(),
                    v.userId(),
                    v.stage(),
                    v.description(),
                    v.source(),
                    v.runId(),
                    v.runLink(),
                    v.status(),
                    v.statusMessage(),
                    v.storageLocation(),
                    v.format(),
                    v.manifestSha256(),
                    v.datasetVersionId(),
                    new TreeMap<>(tags.getOrDefault(v.id(), Map.of())),
                    aliases.getOrDefault(v.id(), List.of()),
                    new Signature(
                        inputs.getOrDefault(v.id(), List.of()),
                        outputs.getOrDefault(v.id(), List.of())),
                    metrics.getOrDefault(v.id(), new TreeMap<>()),
                    files.getOrDefault(v.id(), List.of())))
        .toList();
  }

  // ---------------------------------------------------------------- helpers

  private static void upsertModelTag(Handle handle, String modelId, String key, String value) {
    handle
        .createUpdate(
            "INSERT INTO registered_model_tags (model_id, tag_key, tag_value)"
                + " VALUES (:id, :key, :value) ON CONFLICT (model_id, tag_key)"
                + " DO UPDATE SET tag_value = excluded.tag_value")
        .bind("id", modelId)
        .bind("key", key)
        .bind("value", value)
        .execute();
  }

  private static void upsertVersionTag(Handle handle, String versionId, String key, String value) {
    handle
        .createUpdate(
            "INSERT INTO model_version_tags (version_id, tag_key, tag_value)"
                + " VALUES (:id, :key, :value) ON CONFLICT (version_id, tag_key)"
                + " DO UPDATE SET tag_value = excluded.tag_value")
        .bind("id", versionId)
        .bind("key", key)
        .bind("value", value)
        .execute();
  }

  private void touchModel(Handle handle, String modelId) {
    handle
        .createUpdate("UPDATE registered_models SET last_updated_time = :now WHERE id = :id")
        .bind("now", database.now().toEpochMilli())
        .bind("id", modelId)
        .execute();
  }

  private void audit(
      Handle handle,
      String actor,
      String action,
      String projectId,
      String target,
      Map<String, ?> details) {
    AuditWriter.append(handle, database.now(), actor, action, projectId, target, details);
  }

  private void auditVersion(
      Handle handle, String actor, String action, ModelVersion version, Map<String, ?> extra) {
    Map<String, Object> details = new LinkedHashMap<>(extra);
    details.put("model", version.modelName());
    details.put("version", version.version());
    String projectId =
        handle
            .createQuery("SELECT project_id FROM registered_models WHERE id = :id")
            .bind("id", version.modelId())
            .mapTo(String.class)
            .one();
    audit(handle, actor, action, projectId, "model_version/" + version.id(), details);
  }

  private static void checkMaxResults(int maxResults, int limit) {
    if (maxResults < 1 || maxResults > limit) {
      throw new IllegalArgumentException(
          "Invalid value for request parameter max_results. It must be at most "
              + limit
              + " (and at least 1), but got value "
              + maxResults);
    }
  }

  private static <T> Page<T> page(List<T> rows, int max, int offset) {
    return new Page<>(
        rows.size() > max ? rows.subList(0, max) : rows,
        rows.size() > max ? Optional.of(PageTokens.of(offset + max)) : Optional.empty());
  }
}
