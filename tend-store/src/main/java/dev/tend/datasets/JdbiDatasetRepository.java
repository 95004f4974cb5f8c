package dev.tend.datasets;

import static java.util.Objects.requireNonNull;

import dev.tend.store.ConflictException;
import dev.tend.store.Database;
import dev.tend.store.Ids;
import dev.tend.store.Names;
import dev.tend.store.NotFoundException;
import dev.tend.store.Page;
import dev.tend.store.internal.AuditWriter;
import dev.tend.store.internal.Pages;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;

final class JdbiDatasetRepository implements DatasetRepository {
  private static final String DATASET_COLUMNS =
      "id, project_id, name, suite_yaml, suite_sha256, created_at, created_by";
  private static final RowMapper<Dataset> DATASET =
      (rs, ctx) -> {
        String yaml = rs.getString("suite_yaml");
        return new Dataset(
            rs.getString("id"),
            rs.getString("project_id"),
            rs.getString("name"),
            yaml == null
                ? Optional.empty()
                : Optional.of(new Suite(yaml, rs.getString("suite_sha256"))),
            Instant.ofEpochMilli(rs.getLong("created_at")),
            rs.getString("created_by"));
      };
  private static final String VERSION_COLUMNS =
      "v.id, v.dataset_id, v.version_number, v.status, v.total_bytes, v.row_count,"
          + " v.schema_json, v.check_report_json, v.source, v.created_by, v.created_at,"
          + " v.committed_at";
  private static final RowMapper<DatasetVersion> VERSION =
      (rs, ctx) ->
          new DatasetVersion(
              rs.getString("id"),
              rs.getString("dataset_id"),
              rs.getInt("version_number"),
              VersionStatus.fromLabel(rs.getString("status")),
              rs.getLong("total_bytes"),
              rs.getLong("row_count"),
              rs.getString("schema_json"),
              rs.getString("check_report_json"),
              rs.getString("source"),
              rs.getString("created_by"),
              Instant.ofEpochMilli(rs.getLong("created_at")),
              Instant.ofEpochMilli(rs.getLong("committed_at")));
  private static final RowMapper<Alias> ALIAS =
      (rs, ctx) ->
          new Alias(
              rs.getString("name"),
              rs.getInt("version_number"),
              rs.getString("version_id"),
              Instant.ofEpochMilli(rs.getLong("updated_at")),
              rs.getString("updated_by"));

  private final Database database;

  JdbiDatasetRepository(Database database) {
    this.database = requireNonNull(database, "database is null");
  }

  @Override
  public Dataset create(String projectId, String name, String actor) {
    requireNonNull(projectId, "projectId is null");
    Names.requireValid("dataset", name);
    requireNonNull(actor, "actor is null");
    Dataset dataset =
        new Dataset(Ids.next(), projectId, name, Optional.empty(), database.now(), actor);
    return database.write(
        handle -> {
          if (handle
              .createQuery("SELECT id FROM projects WHERE id = :id")
              .bind("id", projectId)
              .mapTo(String.class)
              .findOne()
              .isEmpty()) {
            throw new NotFoundException("no project with id " + projectId);
          }
          handle
              .createUpdate(
                  "INSERT INTO datasets (id, project_id, name, created_at, created_by)"
                      + " VALUES (:id, :project, :name, :at, :by)")
              .bind("id", dataset.id())
              .bind("project", projectId)
              .bind("name", name)
              .bind("at", dataset.createdAt().toEpochMilli())
              .bind("by", actor)
              .execute();
          AuditWriter.append(
              handle,
              dataset.createdAt(),
              actor,
              "dataset.create",
              projectId,
              "dataset/" + name,
              Map.of("datasetId", dataset.id()));
          return dataset;
        });
  }

  @Override
  public Optional<Dataset> get(String id) {
    requireNonNull(id, "id is null");
    return database.read(handle -> findDataset(handle, id));
  }

  private static Optional<Dataset> findDataset(Handle handle, String id) {
    return handle
        .createQuery("SELECT " + DATASET_COLUMNS + " FROM datasets WHERE id = :id")
        .bind("id", id)
        .map(DATASET)
        .findOne();
  }

  @Override
  public Optional<Dataset> find(String projectId, String name) {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(name, "name is null");
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + DATASET_COLUMNS
                        + " FROM datasets WHERE project_id = :project AND name = :name")
                .bind("project", projectId)
                .bind("name", name)
                .map(DATASET)
                .findOne());
  }

  @Override
  public Page<Dataset> list(String projectId, Optional<String> cursor, int limit) {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(cursor, "cursor is null");
    Pages.checkLimit(limit);
    return Pages.of(
        database.read(
            handle ->
                handle
                    .createQuery(
                        "SELECT "
                            + DATASET_COLUMNS
                            + " FROM datasets WHERE project_id = :project AND id > :cursor"
                            + " ORDER BY id LIMIT :limit")
                    .bind("project", projectId)
                    .bind("cursor", cursor.orElse(""))
                    .bind("limit", limit + 1)
                    .map(DATASET)
                    .list()),
        limit,
        Dataset::id);
  }

  @Override
  public Dataset attachSuite(String datasetId, Optional<String> yaml, String actor) {
    requireNonNull(datasetId, "datasetId is null");
    requireNonNull(yaml, "yaml is null");
    requireNonNull(actor, "actor is null");
    Optional<String> hash = yaml.map(text -> sha256Hex(text.getBytes(StandardCharsets.UTF_8)));
    return database.write(
        handle -> {
          Dataset dataset = lockDataset(handle, datasetId);
          handle
              .createUpdate(
                  "UPDATE datasets SET suite_yaml = :yaml, suite_sha256 = :hash WHERE id = :id")
              .bind("yaml", yaml.orElse(null))
              .bind("hash", hash.orElse(null))
              .bind("id", datasetId)
              .execute();
          AuditWriter.append(
              handle,
              database.now(),
              actor,
              yaml.isPresent() ? "dataset.suite.attach" : "dataset.suite.detach",
              dataset.projectId(),
              "dataset/" + dataset.name(),
              yaml.isPresent() ? Map.of("sha256", hash.get()) : Map.of());
          return findDataset(handle, datasetId).orElseThrow();
        });
  }

  /*
   * Every change to a dataset's versions or aliases first updates the dataset's row. On PostgreSQL
   * that takes the row lock, which serializes pushes and alias moves of one dataset until commit;
   * on SQLite write transactions are serialized already (BEGIN IMMEDIATE).
   */
  private static Dataset lockDataset(Handle handle, String datasetId) {
    int found =
        handle
            .createUpdate("UPDATE datasets SET last_version = last_version WHERE id = :id")
            .bind("id", datasetId)
            .execute();
    if (found == 0) {
      throw new NotFoundException("no dataset with id " + datasetId);
    }
    return findDataset(handle, datasetId).orElseThrow();
  }

  @Override
  public PendingVersion reserveVersion(
      String versionId, String datasetId, String source, String actor) {
    requireNonNull(versionId, "versionId is null");
    requireNonNull(datasetId, "datasetId is null");
    requireNonNull(source, "source is null");
    requireNonNull(actor, "actor is null");
    if (!Ids.isWellFormed(versionId)) {
      throw new IllegalArgumentException("not a version id: " + versionId);
    }
    return database.write(
        handle -> {
          if (handle
              .createQuery("SELECT 1 FROM dataset_versions WHERE id = :id")
              .bind("id", versionId)
              .mapTo(Integer.class)
              .findOne()
              .isPresent()) {
            throw new ConflictException("a dataset version already has the id " + versionId);
          }
          int updated =
              handle
                  .createUpdate(
                      "UPDATE datasets SET last_version = last_version + 1 WHERE id = :id")
                  .bind("id", datasetId)
                  .execute();
          if (updated == 0) {
            throw new NotFoundException("no dataset with id " + datasetId);
          }
          int number =
              handle
                  .createQuery("SELECT last_version FROM datasets WHERE id = :id")
                  .bind("id", datasetId)
                  .mapTo(Integer.class)
                  .one();
          handle
              .createUpdate(
                  "INSERT INTO dataset_versions"
                      + " (id, dataset_id, version_number, status, source, created_by, created_at)"
                      + " VALUES (:id, :dataset, :number, 'pending', :source, :by, :at)")
              .bind("id", versionId)
              .bind("dataset", datasetId)
              .bind("number", number)
              .bind("source", source)
              .bind("by", actor)
              .bind("at", database.now().toEpochMilli())
              .execute();
          return new PendingVersion(versionId, datasetId, number);
        });
  }

  @Override
  public DatasetVersion commitVersion(
      String versionId, VersionStatus outcome, VersionContent content, String actor) {
    requireNonNull(versionId, "versionId is null");
    requireNonNull(outcome, "outcome is null");
    requireNonNull(content, "content is null");
    requireNonNull(actor, "actor is null");
    if (outcome == VersionStatus.PENDING) {
      throw new IllegalArgumentException("a version is committed as accepted or rejected");
    }
    return database.write(
        handle -> {
          PendingRow pending = pendingRow(handle, versionId);
          Dataset dataset = lockDataset(handle, pending.datasetId());
          Instant now = database.now();
          int updated =
              handle
                  .createUpdate(
                      "UPDATE dataset_versions SET status = :status, total_bytes = :bytes,"
                          + " row_count = :rows, schema_json = :schema, profile = :profile,"
                          + " check_report_json = :report, committed_at = :at"
                          + " WHERE id = :id AND status = 'pending'")
                  .bind("status", outcome.label())
                  .bind("bytes", content.totalBytes())
                  .bind("rows", content.rowCount())
                  .bind("schema", content.schemaJson())
                  .bind("profile", content.profile())
                  .bind("report", content.checkReportJson())
                  .bind("at", now.toEpochMilli())
                  .bind("id", versionId)
                  .execute();
          if (updated == 0) {
            throw notPending(handle, versionId);
          }
          if (outcome == VersionStatus.ACCEPTED) {
            Optional<Alias> latest = findAlias(handle, pending.datasetId(), Alias.LATEST);
            if (latest.isEmpty() || latest.get().versionNumber() < pending.number()) {
              setAlias(
                  handle,
                  dataset,
                  Alias.LATEST,
                  versionId,
                  pending.number(),
                  "accepted version " + pending.number(),
                  false,
                  actor);
            }
          }
          AuditWriter.append(
              handle,
              now,
              actor,
              "dataset.version.commit",
              dataset.projectId(),
              "dataset/" + dataset.name() + "/versions/" + pending.number(),
              Map.of(
                  "status", outcome.label(),
                  "files", content.files().size(),
                  "totalBytes", content.totalBytes(),
                  "rowCount", content.rowCount()));
          if (!content.files().isEmpty()) {
            PreparedBatch batch =
                handle.prepareBatch(
                    "INSERT INTO version_files (version_id, path, size_bytes, sha256)"
                        + " VALUES (:version, :path, :size, :sha256)");
            for (ManifestFile file : content.files()) {
              batch
                  .bind("version", versionId)
                  .bind("path", file.path())
                  .bind("size", file.sizeBytes())
                  .bind("sha256", file.sha256())
                  .add();
            }
            batch.execute();
          }
          return findVersion(handle, versionId).orElseThrow();
        });
  }

  private record PendingRow(String datasetId, int number) {}

  private static PendingRow pendingRow(Handle handle, String versionId) {
    return handle
        .createQuery(
            "SELECT dataset_id, version_number, status FROM dataset_versions WHERE id = :id")
        .bind("id", versionId)
        .map(
            (rs, ctx) -> {
              if (!rs.getString("status").equals("pending")) {
                throw new ConflictException(
                    "version "
                        + rs.getInt("version_number")
                        + " ("
                        + versionId
                        + ") is already "
                        + rs.getString("status")
                        + ", not pending");
              }
              return new PendingRow(rs.getString("dataset_id"), rs.getInt("version_number"));
            })
        .findOne()
        .orElseThrow(() -> new NotFoundException("no pending version with id " + versionId));
  }

  private static RuntimeException notPending(Handle handle, String versionId) {
    try {
      pendingRow(handle, versionId);
    } catch (RuntimeException e) {
      return e;
    }
    return new ConflictException("version " + versionId + " changed concurrently");
  }

  @Override
  public void abandon(String versionId, String actor) {
    requireNonNull(versionId, "versionId is null");
    requireNonNull(actor, "actor is null");
    database.write(
        handle -> {
          PendingRow pending = pendingRow(handle, versionId);
          Dataset dataset = lockDataset(handle, pending.datasetId());
          int deleted =
              handle
                  .createUpdate(
                      "DELETE FROM dataset_versions WHERE id = :id AND status = 'pending'")
                  .bind("id", versionId)
                  .execute();
          if (deleted == 0) {
            throw notPending(handle, versionId);
          }
          AuditWriter.append(
              handle,
              database.now(),
              actor,
              "dataset.version.abandon",
              dataset.projectId(),
              "dataset/" + dataset.name() + "/versions/" + pending.number(),
              Map.of());
          return null;
        });
  }

  @Override
  public int cleanupPending(Duration olderThan) {
    requireNonNull(olderThan, "olderThan is null");
    if (olderThan.isNegative()) {
      throw new IllegalArgumentException("olderThan must be >= 0, got " + olderThan);
    }
    Instant now = database.now();
    long cutoff = now.minus(olderThan).toEpochMilli();
    return database.write(
        handle -> {
          int deleted =
              handle
                  .createUpdate(
                      "DELETE FROM dataset_versions WHERE status = 'pending'"
                          + " AND created_at < :cutoff")
                  .bind("cutoff", cutoff)
                  .execute();
          if (deleted > 0) {
            AuditWriter.append(
                handle,
                now,
                "system",
                "dataset.version.cleanup",
                null,
                "pending-versions",
                Map.of("deleted", deleted, "olderThan", olderThan.toString()));
          }
          return deleted;
        });
  }

  @Override
  public Optional<DatasetVersion> version(String datasetId, int number) {
    requireNonNull(datasetId, "datasetId is null");
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + VERSION_COLUMNS
                        + " FROM dataset_versions v WHERE v.dataset_id = :dataset"
                        + " AND v.version_number = :number AND v.status <> 'pending'")
                .bind("dataset", datasetId)
                .bind("number", number)
                .map(VERSION)
                .findOne());
  }

  @Override
  public Optional<DatasetVersion> versionById(String versionId) {
    requireNonNull(versionId, "versionId is null");
    return database.read(handle -> findVersion(handle, versionId));
  }

  private static Optional<DatasetVersion> findVersion(Handle handle, String versionId) {
    return handle
        .createQuery(
            "SELECT "
                + VERSION_COLUMNS
                + " FROM dataset_versions v WHERE v.id = :id AND v.status <> 'pending'")
        .bind("id", versionId)
        .map(VERSION)
        .findOne();
  }

  @Override
  public Page<DatasetVersion> versions(String datasetId, Optional<String> cursor, int limit) {
    requireNonNull(datasetId, "datasetId is null");
    requireNonNull(cursor, "cursor is null");
    Pages.checkLimit(limit);
    int after;
    try {
      after = cursor.map(Integer::parseInt).orElse(0);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a version cursor: '" + cursor.get() + "'");
    }
    return Pages.of(
        database.read(
            handle ->
                handle
                    .createQuery(
                        "SELECT "
                            + VERSION_COLUMNS
                            + " FROM dataset_versions v WHERE v.dataset_id = :dataset"
                            + " AND v.status <> 'pending' AND v.version_number > :after"
                            + " ORDER BY v.version_number LIMIT :limit")
                    .bind("dataset", datasetId)
                    .bind("after", after)
                    .bind("limit", limit + 1)
                    .map(VERSION)
                    .list()),
        limit,
        v -> Integer.toString(v.number()));
  }

  @Override
  public List<DatasetVersion> newestVersions(String projectId, int limit) {
    requireNonNull(projectId, "projectId is null");
    Pages.checkLimit(limit);
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + VERSION_COLUMNS
                        + " FROM datasets d JOIN dataset_versions v ON v.dataset_id = d.id"
                        + " WHERE d.project_id = :project AND v.version_number ="
                        + " (SELECT MAX(w.version_number) FROM dataset_versions w"
                        + " WHERE w.dataset_id = d.id AND w.status <> 'pending')"
                        + " ORDER BY d.name LIMIT :limit")
                .bind("project", projectId)
                .bind("limit", limit)
                .map(VERSION)
                .list());
  }

  @Override
  public List<ManifestFile> manifest(String versionId) {
    requireNonNull(versionId, "versionId is null");
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT f.path, f.size_bytes, f.sha256 FROM version_files f"
                        + " JOIN dataset_versions v ON v.id = f.version_id"
                        + " WHERE f.version_id = :id AND v.status <> 'pending' ORDER BY f.path")
                .bind("id", versionId)
                .map(
                    (rs, ctx) ->
                        new ManifestFile(
                            rs.getString("path"), rs.getLong("size_bytes"), rs.getString("sha256")))
                .list());
  }

  @Override
  public Optional<byte[]> profile(String versionId) {
    requireNonNull(versionId, "versionId is null");
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT profile FROM dataset_versions WHERE id = :id AND status <> 'pending'")
                .bind("id", versionId)
                .map((rs, ctx) -> Optional.ofNullable(rs.getBytes("profile")))
                .findOne()
                .flatMap(p -> p));
  }

  @Override
  public Alias moveAlias(
      String datasetId, String alias, int number, String reason, boolean forced, String actor) {
    return move(datasetId, alias, number, reason, forced, actor).alias();
  }

  @Override
  public AliasChange changeAlias(
      String datasetId, String alias, int number, String reason, boolean forced, String actor) {
    return move(datasetId, alias, number, reason, forced, actor).change();
  }

  /** An alias after a move, and the move as recorded in its history. */
  private record Moved(Alias alias, AliasChange change) {}

  private Moved move(
      String datasetId, String alias, int number, String reason, boolean forced, String actor) {
    requireNonNull(datasetId, "datasetId is null");
    Names.requireValid("alias", alias);
    if (alias.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          "alias name '" + alias + "' must not be all digits: it would read as a version number");
    }
    requireNonNull(reason, "reason is null");
    requireNonNull(actor, "actor is null");
    return database.write(
        handle -> {
          Dataset dataset = lockDataset(handle, datasetId);
          DatasetVersion target =
              handle
                  .createQuery(
                      "SELECT "
                          + VERSION_COLUMNS
                          + " FROM dataset_versions v WHERE v.dataset_id = :dataset"
                          + " AND v.version_number = :number AND v.status <> 'pending'")
                  .bind("dataset", datasetId)
                  .bind("number", number)
                  .map(VERSION)
                  .findOne()
                  .orElseThrow(
                      () ->
                          new NotFoundException(
                              "dataset " + dataset.name() + " has no version " + number));
          if (target.status() == VersionStatus.REJECTED && !forced) {
            throw new ConflictException(
                "version "
                    + number
                    + " of dataset "
                    + dataset.name()
                    + " was rejected by its checks; alias '"
                    + alias
                    + "' can point at it only when forced");
          }
          return setAlias(handle, dataset, alias, target.id(), number, reason, forced, actor);
        });
  }

  private Moved setAlias(
      Handle handle,
      Dataset dataset,
      String alias,
      String versionId,
      int number,
      String reason,
      boolean forced,
      String actor) {
    Optional<Alias> before = findAlias(handle, dataset.id(), alias);
    Instant now = database.now();
    handle
        .createUpdate(
            "INSERT INTO dataset_aliases (dataset_id, name, version_id, updated_at, updated_by)"
                + " VALUES (:dataset, :name, :version, :at, :by)"
                + " ON CONFLICT (dataset_id, name) DO UPDATE SET version_id = excluded.version_id,"
                + " updated_at = excluded.updated_at, updated_by = excluded.updated_by")
        .bind("dataset", dataset.id())
        .bind("name", alias)
        .bind("version", versionId)
        .bind("at", now.toEpochMilli())
        .bind("by", actor)
        .execute();
    handle
        .createUpdate(
            "INSERT INTO alias_history (id, dataset_id, name, from_version_id, to_version_id,"
                + " changed_by, reason, forced, changed_at)"
                + " VALUES (:id, :dataset, :name, :from, :to, :by, :reason, :forced, :at)")
        .bind("id", Ids.next())
        .bind("dataset", dataset.id())
        .bind("name", alias)
        .bind("from", before.map(Alias::versionId).orElse(null))
        .bind("to", versionId)
        .bind("by", actor)
        .bind("reason", reason)
        .bind("forced", forced)
        .bind("at", now.toEpochMilli())
        .execute();
    AuditWriter.append(
        handle,
        now,
        actor,
        "dataset.alias.move",
        dataset.projectId(),
        "dataset/" + dataset.name() + "/aliases/" + alias,
        Map.of(
            "from", before.map(a -> (Object) a.versionNumber()).orElse("none"),
            "to", number,
            "forced", forced,
            "reason", reason));
    return new Moved(
        new Alias(alias, number, versionId, now, actor),
        new AliasChange(
            alias, before.map(Alias::versionNumber), number, actor, reason, forced, now));
  }

  private static Optional<Alias> findAlias(Handle handle, String datasetId, String alias) {
    return handle
        .createQuery(
            "SELECT a.name, v.version_number, a.version_id, a.updated_at, a.updated_by"
                + " FROM dataset_aliases a JOIN dataset_versions v ON v.id = a.version_id"
                + " WHERE a.dataset_id = :dataset AND a.name = :name")
        .bind("dataset", datasetId)
        .bind("name", alias)
        .map(ALIAS)
        .findOne();
  }

  @Override
  public Optional<DatasetVersion> resolve(String datasetId, String alias) {
    requireNonNull(datasetId, "datasetId is null");
    requireNonNull(alias, "alias is null");
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + VERSION_COLUMNS
                        + " FROM dataset_aliases a JOIN dataset_versions v ON v.id = a.version_id"
                        + " WHERE a.dataset_id = :dataset AND a.name = :name")
                .bind("dataset", datasetId)
                .bind("name", alias)
                .map(VERSION)
                .findOne());
  }

  @Override
  public List<Alias> aliases(String datasetId) {
    requireNonNull(datasetId, "datasetId is null");
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT a.name, v.version_number, a.version_id, a.updated_at, a.updated_by"
                        + " FROM dataset_aliases a JOIN dataset_versions v ON v.id = a.version_id"
                        + " WHERE a.dataset_id = :dataset ORDER BY a.name")
                .bind("dataset", datasetId)
                .map(ALIAS)
                .list());
  }

  @Override
  public List<AliasChange> aliasHistory(String datasetId, String alias) {
    requireNonNull(datasetId, "datasetId is null");
    requireNonNull(alias, "alias is null");
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT h.name, f.version_number AS from_number,"
                        + " t.version_number AS to_number, h.changed_by, h.reason, h.forced,"
                        + " h.changed_at FROM alias_history h"
                        + " JOIN dataset_versions t ON t.id = h.to_version_id"
                        + " LEFT JOIN dataset_versions f ON f.id = h.from_version_id"
                        + " WHERE h.dataset_id = :dataset AND h.name = :name ORDER BY h.id")
                .bind("dataset", datasetId)
                .bind("name", alias)
                .map(
                    (rs, ctx) -> {
                      int from = rs.getInt("from_number");
                      Optional<Integer> fromNumber =
                          rs.wasNull() ? Optional.empty() : Optional.of(from);
                      return new AliasChange(
                          rs.getString("name"),
                          fromNumber,
                          rs.getInt("to_number"),
                          rs.getString("changed_by"),
                          rs.getString("reason"),
                          rs.getBoolean("forced"),
                          Instant.ofEpochMilli(rs.getLong("changed_at")));
                    })
                .list());
  }

  @Override
  public boolean recordUsage(String versionId, String usedByKind, String usedById, String actor) {
    requireNonNull(versionId, "versionId is null");
    requireNonNull(usedByKind, "usedByKind is null");
    requireNonNull(usedById, "usedById is null");
    requireNonNull(actor, "actor is null");
    return database.write(
        handle -> {
          DatasetVersion version =
              findVersion(handle, versionId)
                  .orElseThrow(
                      () ->
                          new NotFoundException(
                              "no committed dataset version with id " + versionId));
          Instant now = database.now();
          int inserted =
              handle
                  .createUpdate(
                      "INSERT INTO version_usages (version_id, used_by_kind, used_by_id,"
                          + " recorded_at) VALUES (:version, :kind, :usedBy, :at)"
                          + " ON CONFLICT (version_id, used_by_kind, used_by_id) DO NOTHING")
                  .bind("version", versionId)
                  .bind("kind", usedByKind)
                  .bind("usedBy", usedById)
                  .bind("at", now.toEpochMilli())
                  .execute();
          if (inserted > 0) {
            Dataset dataset = findDataset(handle, version.datasetId()).orElseThrow();
            AuditWriter.append(
                handle,
                now,
                actor,
                "dataset.version.use",
                dataset.projectId(),
                "dataset/" + dataset.name() + "/versions/" + version.number(),
                Map.of("kind", usedByKind, "id", usedById));
          }
          return inserted > 0;
        });
  }

  @Override
  public List<VersionUsage> usages(String versionId) {
    requireNonNull(versionId, "versionId is null");
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT version_id, used_by_kind, used_by_id, recorded_at FROM version_usages"
                        + " WHERE version_id = :version"
                        + " ORDER BY recorded_at, used_by_kind, used_by_id")
                .bind("version", versionId)
                .map(
                    (rs, ctx) ->
                        new VersionUsage(
                            rs.getString("version_id"),
                            rs.getString("used_by_kind"),
                            rs.getString("used_by_id"),
                            Instant.ofEpochMilli(rs.getLong("recorded_at"))))
                .list());
  }

  @Override
  public List<UsedVersion> usedBy(String usedByKind, String usedById) {
    requireNonNull(usedByKind, "usedByKind is null");
    requireNonNull(usedById, "usedById is null");
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT p.id AS project_id, p.name AS project_name, d.name AS dataset_name,"
                        + " v.version_number, v.status, u.recorded_at FROM version_usages u"
                        + " JOIN dataset_versions v ON v.id = u.version_id"
                        + " JOIN datasets d ON d.id = v.dataset_id"
                        + " JOIN projects p ON p.id = d.project_id"
                        + " WHERE u.used_by_kind = :kind AND u.used_by_id = :usedBy"
                        + " AND v.status <> 'pending'"
                        + " ORDER BY u.recorded_at, p.name, d.name, v.version_number")
                .bind("kind", usedByKind)
                .bind("usedBy", usedById)
                .map(
                    (rs, ctx) ->
                        new UsedVersion(
                            rs.getString("project_id"),
                            rs.getString("project_name"),
                            rs.getString("dataset_name"),
                            rs.getInt("version_number"),
                            VersionStatus.fromLabel(rs.getString("status")),
                            Instant.ofEpochMilli(rs.getLong("recorded_at"))))
                .list());
  }

  private static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
