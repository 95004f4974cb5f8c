package dev.tend.datasets;

import dev.tend.store.Database;
import dev.tend.store.Ids;
import dev.tend.store.Page;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Datasets, their versions and aliases. A push is two-phase: {@link #reserveVersion} allocates the
 * next number (atomically, also under concurrent pushes; numbers of abandoned pushes are not
 * reused), then {@link #commitVersion} records the content as accepted or rejected, or {@link
 * #abandon} drops it. Readers never see pending versions. Thread-safe; every change is audited in
 * its own transaction.
 */
public interface DatasetRepository {

  /** The datasets of {@code database}. */
  static DatasetRepository of(Database database) {
    return new JdbiDatasetRepository(database);
  }

  /**
   * Creates a dataset in a project; names follow the project rule (1 to 64 characters of {@code
   * [a-z0-9._-]}, so no path separators or control characters).
   *
   * @throws IllegalArgumentException when the name breaks the rule
   * @throws dev.tend.store.ConflictException when the project has a dataset of that name
   */
  Dataset create(String projectId, String name, String actor);

  /** The dataset with id {@code id}. */
  Optional<Dataset> get(String id);

  /** The dataset named {@code name} in the project. */
  Optional<Dataset> find(String projectId, String name);

  /** The datasets of a project in creation order. */
  Page<Dataset> list(String projectId, Optional<String> cursor, int limit);

  /** Attaches the check suite {@code yaml} to a dataset, or detaches it when empty. */
  Dataset attachSuite(String datasetId, Optional<String> yaml, String actor);

  /** Reserves the next version number of a dataset, under a new id, for a push. */
  default PendingVersion reserveVersion(String datasetId, String source, String actor) {
    return reserveVersion(Ids.next(), datasetId, source, actor);
  }

  /**
   * Reserves the next version number of a dataset for a push described by {@code source}, under the
   * id {@code versionId} the caller made with {@link Ids#next()}, so that the caller can record the
   * id (for its crash recovery) before the reservation exists.
   *
   * @throws IllegalArgumentException when {@code versionId} is not an id
   * @throws dev.tend.store.ConflictException when a version already has that id
   * @throws dev.tend.store.NotFoundException when there is no such dataset
   */
  PendingVersion reserveVersion(String versionId, String datasetId, String source, String actor);

  /**
   * Records a pending version's content with its outcome ({@link VersionStatus#ACCEPTED} or {@link
   * VersionStatus#REJECTED}) and makes it visible. An accepted version newer than the one {@code
   * latest} points at moves {@code latest}.
   *
   * @throws dev.tend.store.NotFoundException when there is no such version
   * @throws dev.tend.store.ConflictException when it is no longer pending
   */
  DatasetVersion commitVersion(
      String versionId, VersionStatus outcome, VersionContent content, String actor);

  /** Drops a pending version (a push that failed); its number is not reused. */
  void abandon(String versionId, String actor);

  /** Deletes pending versions reserved more than {@code olderThan} ago; returns how many. */
  int cleanupPending(Duration olderThan);

  /** The committed version {@code number} of a dataset. */
  Optional<DatasetVersion> version(String datasetId, int number);

  /** Committed versions of a dataset, oldest first. */
  Page<DatasetVersion> versions(String datasetId, Optional<String> cursor, int limit);

  /**
   * The newest committed version (accepted or rejected) of each of the project's datasets that has
   * one, by dataset name, at most {@code limit}: one query, for health summaries.
   */
  List<DatasetVersion> newestVersions(String projectId, int limit);

  /** The files of a committed version, by path. */
  List<ManifestFile> manifest(String versionId);

  /** A committed (or rejected) version by its id. */
  Optional<DatasetVersion> versionById(String versionId);

  /** The serialized profile of a committed version. */
  Optional<byte[]> profile(String versionId);

  /**
   * Points {@code alias} at committed version {@code number}, recording who, why and whether it was
   * forced in the alias history.
   *
   * @throws dev.tend.store.NotFoundException when the dataset or version does not exist
   * @throws dev.tend.store.ConflictException when the version was rejected and {@code forced} is
   *     false
   * @throws IllegalArgumentException when the alias name breaks the naming rule or is all digits
   */
  Alias moveAlias(
      String datasetId, String alias, int number, String reason, boolean forced, String actor);

  /**
   * Like {@link #moveAlias}, but answers the move as recorded in the alias history, with the
   * version the alias left. Alias names must not be all digits, so a reference to a version is
   * never ambiguous.
   */
  AliasChange changeAlias(
      String datasetId, String alias, int number, String reason, boolean forced, String actor);

  /** The version {@code alias} points at. */
  Optional<DatasetVersion> resolve(String datasetId, String alias);

  /** The aliases of a dataset, by name. */
  List<Alias> aliases(String datasetId);

  /** The moves of one alias, oldest first. */
  List<AliasChange> aliasHistory(String datasetId, String alias);

  /**
   * Records that {@code usedById} of kind {@code usedByKind} used a committed version, on behalf of
   * the system; see {@link #recordUsage(String, String, String, String)}.
   */
  default boolean recordUsage(String versionId, String usedByKind, String usedById) {
    return recordUsage(versionId, usedByKind, usedById, "system");
  }

  /**
   * Records that {@code usedById} of kind {@code usedByKind} used a committed version. Idempotent:
   * recording the same triple again changes nothing.
   *
   * @return true when the usage is new, false when it was recorded before
   * @throws dev.tend.store.NotFoundException when there is no committed version {@code versionId}
   */
  boolean recordUsage(String versionId, String usedByKind, String usedById, String actor);

  /** What used a version, oldest first. */
  List<VersionUsage> usages(String versionId);

  /**
   * Reverse lineage: the committed versions, of any dataset in any project, that {@code usedById}
   * of kind {@code usedByKind} used, oldest usage first.
   */
  List<UsedVersion> usedBy(String usedByKind, String usedById);
}
