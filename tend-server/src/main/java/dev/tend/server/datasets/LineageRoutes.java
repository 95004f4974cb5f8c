package dev.tend.server.datasets;

import static java.util.Objects.requireNonNull;

import dev.tend.access.Action;
import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.datasets.VersionUsage;
import dev.tend.projects.Project;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiCall;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.FieldError;
import dev.tend.store.Names;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Lineage over HTTP: record that a run or model version used a dataset version, read what used a
 * version, and, the other way, which versions a run or model version used (only in projects the
 * caller may read). Part of {@link DatasetsApi}. Thread-safe.
 */
final class LineageRoutes {
  /** What may use a dataset version. */
  static final List<String> USAGE_KINDS = List.of("run", "model_version");

  static final int MAX_USAGE_ID_LENGTH = 128;

  private final DatasetRepository datasets;
  private final Lookups lookups;

  LineageRoutes(DatasetRepository datasets, Lookups lookups) {
    this.datasets = requireNonNull(datasets, "datasets is null");
    this.lookups = requireNonNull(lookups, "lookups is null");
  }

  void routes(ApiRoutes routes, String dataset) {
    routes.post(dataset + "/versions/{ref}/usages", Access.WRITE, this::recordUsage);
    routes.get(dataset + "/versions/{ref}/lineage", Access.READ, this::lineage);
    routes.get("/lineage/{kind}/{id}", Access.READ, this::usedBy);
  }

  /** The body of {@code POST .../usages}. */
  record Usage(String kind, String id) {
    Usage {
      requireNonNull(kind, "kind is required");
      requireNonNull(id, "id is required");
    }
  }

  /** Something that used a version. */
  record UsageView(String kind, String id, Instant recordedAt) {}

  /** A version that something used. */
  record UsedVersionView(
      String project, String dataset, int version, String status, Instant recordedAt) {}

  private void recordUsage(ApiCall call) {
    Project project = lookups.project(call);
    Dataset dataset = lookups.dataset(call, project);
    DatasetVersion version =
        lookups.version(dataset, FieldError.path("ref", ""), call.pathParam("ref"));
    Usage usage = call.body(Usage.class);
    String kind = usageKind(usage.kind(), FieldError.body("/kind", ""));
    String id = usageId(usage.id(), FieldError.body("/id", ""));
    boolean created = datasets.recordUsage(version.id(), kind, id, Lookups.actor(call));
    VersionUsage recorded =
        datasets.usages(version.id()).stream()
            .filter(u -> u.usedByKind().equals(kind) && u.usedById().equals(id))
            .findFirst()
            .orElseThrow();
    call.json(created ? 201 : 200, new UsageView(kind, id, recorded.recordedAt()));
  }

  private void lineage(ApiCall call) {
    Project project = lookups.project(call);
    Dataset dataset = lookups.dataset(call, project);
    DatasetVersion version =
        lookups.version(dataset, FieldError.path("ref", ""), call.pathParam("ref"));
    List<UsageView> usedBy =
        datasets.usages(version.id()).stream()
            .map(u -> new UsageView(u.usedByKind(), u.usedById(), u.recordedAt()))
            .toList();
    call.json(200, Map.of("used_by", usedBy));
  }

  private void usedBy(ApiCall call) {
    String kind = usageKind(call.pathParam("kind"), FieldError.path("kind", ""));
    String id = usageId(call.pathParam("id"), FieldError.path("id", ""));
    List<UsedVersionView> versions =
        datasets.usedBy(kind, id).stream()
            .filter(v -> call.may(v.projectName(), Action.READ))
            .map(
                v ->
                    new UsedVersionView(
                        v.projectName(),
                        v.datasetName(),
                        v.versionNumber(),
                        v.status().label(),
                        v.recordedAt()))
            .toList();
    call.json(200, Map.of("dataset_versions", versions));
  }

  private static String usageKind(String kind, FieldError where) {
    if (!USAGE_KINDS.contains(kind)) {
      throw new ApiException.ValidationFailed(
          where.withMessage(
              "kind is one of " + USAGE_KINDS + ", not '" + Names.printable(kind) + "'"));
    }
    return kind;
  }

  private static String usageId(String id, FieldError where) {
    if (id.isEmpty()
        || id.length() > MAX_USAGE_ID_LENGTH
        || id.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
      throw new ApiException.ValidationFailed(
          where.withMessage(
              "an id is 1 to "
                  + MAX_USAGE_ID_LENGTH
                  + " characters without spaces or control characters, not '"
                  + Names.printable(id)
                  + "'"));
    }
    return id;
  }
}
