package dev.tend.registry;

import dev.tend.artifacts.ArtifactStore;
import dev.tend.store.Database;
import dev.tend.store.Page;
import dev.tend.tracking.KeyValue;
import java.util.List;
import java.util.Optional;

/**
 * The model registry: registered models in projects, their numbered versions with stages, tags and
 * aliases, and Tend's record of what each version is (format, signature, metrics, files, training
 * dataset version, run). Rules are MLflow 2.17's; breaking one is an {@link
 * IllegalArgumentException}, a missing model or version a {@link dev.tend.store.NotFoundException},
 * a taken name a {@link dev.tend.store.ConflictException}. Each call is one transaction, so a
 * refused change leaves nothing behind; changes are audited, tags are not. Thread-safe.
 */
public interface RegistryRepository {
  /** Most registered models a search returns at once, and the default. */
  int MAX_MODEL_RESULTS = 1000;

  int DEFAULT_MODEL_RESULTS = 100;

  /** Most model versions a search returns at once, and the default. */
  int MAX_VERSION_RESULTS = 200_000;

  int DEFAULT_VERSION_RESULTS = 10_000;

  /** The kind under which model versions appear in a dataset version's usages. */
  String USAGE_KIND = "model_version";

  /** The registry of {@code database}; version manifests are written to {@code artifacts}. */
  static RegistryRepository of(Database database, ArtifactStore artifacts) {
    return new JdbiRegistryRepository(database, artifacts);
  }

  RegisteredModel createModel(
      String projectId,
      String name,
      Optional<String> description,
      List<KeyValue> tags,
      String actor);

  Optional<RegisteredModel> model(String id);

  Optional<RegisteredModel> model(String projectId, String name);

  /** Every model called {@code name}, in any project (names are unique per project only). */
  List<RegisteredModel> modelsNamed(String name);

  RegisteredModel renameModel(String modelId, String newName, String actor);

  /** Replaces the description; an empty one clears it. */
  RegisteredModel updateModel(String modelId, String description, String actor);

  /** Deletes a model with its versions, tags and aliases. */
  void deleteModel(String modelId, String actor);

  void setModelTag(String modelId, String key, String value);

  void deleteModelTag(String modelId, String key);

  Page<RegisteredModel> searchModels(ModelSearch search);

  /**
   * Registers the next version of a model. A source naming a run's artifacts must name a run of the
   * model's project; the version then records the files under that path (status {@code READY}, or
   * {@code FAILED_REGISTRATION} when there are none), the format and signature from its {@code
   * MLmodel} file, the run's metrics and the Tend dataset version the run trained on, which records
   * the version in its usages.
   */
  ModelVersion createVersion(String modelId, NewModelVersion version, String actor);

  Optional<ModelVersion> version(String modelId, int version);

  /** The live (not deleted) version with this id, as deployments refer to versions. */
  Optional<ModelVersion> versionById(String versionId);

  ModelVersion updateVersion(String modelId, int version, String description, String actor);

  /**
   * Moves a version to {@code stage}; with {@code archiveExisting} (only for Staging and
   * Production) the other versions in that stage move to Archived.
   */
  ModelVersion transitionStage(
      String modelId, int version, ModelStage stage, boolean archiveExisting, String actor);

  /** Deletes a version and its aliases; its number is not used again. */
  void deleteVersion(String modelId, int version, String actor);

  void setVersionTag(String modelId, int version, String key, String value);

  void deleteVersionTag(String modelId, int version, String key);

  /** The newest version in each of {@code stages}, or in every stage when empty. */
  List<ModelVersion> latestVersions(String modelId, List<ModelStage> stages);

  void setAlias(String modelId, String alias, int version, String actor);

  void deleteAlias(String modelId, String alias, String actor);

  Optional<ModelVersion> versionByAlias(String modelId, String alias);

  Page<ModelVersion> searchVersions(ModelSearch search);
}
