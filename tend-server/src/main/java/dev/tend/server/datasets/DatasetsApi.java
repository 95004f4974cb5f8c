package dev.tend.server.datasets;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.artifacts.ArtifactMismatchException;
import dev.tend.artifacts.ArtifactNotFoundException;
import dev.tend.artifacts.ArtifactStore;
import dev.tend.artifacts.ArtifactTooLargeException;
import dev.tend.artifacts.Blob;
import dev.tend.artifacts.Manifest;
import dev.tend.artifacts.ManifestEntry;
import dev.tend.artifacts.Manifests;
import dev.tend.checks.CheckResult;
import dev.tend.checks.SuiteReport;
import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.datasets.ManifestFile;
import dev.tend.datasets.PendingVersion;
import dev.tend.datasets.VersionContent;
import dev.tend.datasets.VersionStatus;
import dev.tend.engine.Engine;
import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileOptions;
import dev.tend.profile.ProfileProvenance;
import dev.tend.profiling.Profiler;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.report.CheckReportJson;
import dev.tend.server.ApiModule;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiCall;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.FieldError;
import dev.tend.server.http.Json;
import dev.tend.server.http.Page;
import dev.tend.server.http.PageRequest;
import dev.tend.server.http.ProblemCode;
import dev.tend.server.internal.PausePoints;
import dev.tend.server.internal.PushFolder;
import dev.tend.server.openapi.OpenApiDocument;
import dev.tend.source.DataException;
import dev.tend.source.DataSource;
import dev.tend.source.Format;
import dev.tend.store.Ids;
import dev.tend.suite.RunOptions;
import dev.tend.suite.SuiteException;
import dev.tend.suite.SuiteParser;
import dev.tend.suite.SuiteRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Datasets over HTTP: create them and attach their check suite, upload and probe content-addressed
 * blobs, push versions made of uploaded blobs (profiled and checked on the server, then committed
 * as accepted or rejected), read versions by number or alias, and diff two versions; with {@link
 * AliasRoutes} (aliases, rollback, history) and {@link LineageRoutes} (what used a version).
 * Thread-safe: the engine is shared, each push works in its own {@link PushFolder}.
 */
public final class DatasetsApi implements ApiModule {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetsApi.class);
  private static final String DATASET = "/projects/{project}/datasets/{dataset}";

  private final ProjectRepository projects;
  private final DatasetRepository datasets;
  private final ArtifactStore artifacts;
  private final Engine engine;
  private final Path workDir;
  private final ObjectMapper mapper = Json.mapper();
  private final Lookups lookups;
  private final AliasRoutes aliases;
  private final LineageRoutes lineage;

  /**
   * @param engine opens pushed versions to profile and check them; owned by the caller
   * @param workDir where pushes materialize their files while they are checked, the server's {@code
   *     <data.dir>/work} ({@code StoreServices.workDir()}), whose push folders a restart recovers;
   *     created if absent
   */
  public DatasetsApi(
      ProjectRepository projects,
      DatasetRepository datasets,
      ArtifactStore artifacts,
      Engine engine,
      Path workDir) {
    this.projects = requireNonNull(projects, "projects is null");
    this.datasets = requireNonNull(datasets, "datasets is null");
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
    this.engine = requireNonNull(engine, "engine is null");
    this.workDir = requireNonNull(workDir, "workDir is null");
    this.lookups = new Lookups(projects, datasets);
    this.aliases = new AliasRoutes(datasets, lookups);
    this.lineage = new LineageRoutes(datasets, lookups);
  }

  /** The body of {@code PUT .../datasets/{dataset}}. */
  record DatasetSettings(Optional<String> suite) {
    DatasetSettings {
      suite = suite == null ? Optional.empty() : suite;
    }
  }

  /** One file of a pushed version: where it goes and the blob holding it. */
  record PushedFile(String path, long size, String sha256) {
    PushedFile {
      requireNonNull(path, "path is required");
      requireNonNull(sha256, "sha256 is required");
    }
  }

  /** The body of {@code POST .../versions}. */
  record NewVersion(List<PushedFile> files, Optional<String> format, Optional<String> source) {
    NewVersion {
      requireNonNull(files, "files is required");
      files = List.copyOf(files);
      format = format == null ? Optional.empty() : format;
      source = source == null ? Optional.empty() : source;
    }
  }

  /** A dataset as answered: its suite's text and hash when one is attached. */
  record DatasetView(
      String name,
      String project,
      Optional<String> suite,
      Optional<String> suiteSha256,
      Instant createdAt,
      String createdBy) {
    static DatasetView of(Dataset dataset, String project) {
      return new DatasetView(
          dataset.name(),
          project,
          dataset.suite().map(dev.tend.datasets.Suite::yaml),
          dataset.suite().map(dev.tend.datasets.Suite::sha256),
          dataset.createdAt(),
          dataset.createdBy());
    }
  }

  /** What a push's checks found: whether the suite passed and the checks that did not. */
  record CheckSummary(boolean passed, List<String> failed) {}

  /** A version as answered; files, schema and report only when one version is read. */
  record VersionView(
      int number,
      String status,
      Instant createdAt,
      String createdBy,
      Instant committedAt,
      String source,
      long rowCount,
      long totalBytes,
      Optional<List<FileView>> files,
      Optional<JsonNode> schema,
      Optional<JsonNode> checkReport,
      Optional<CheckSummary> checks) {}

  /** A file of a version. */
  record FileView(String path, long size, String sha256) {}

  /** A blob, as stored. */
  record BlobView(String sha256, long size) {}

  @Override
  public void routes(ApiRoutes routes) {
    routes.get("/projects/{project}/datasets", Access.READ, this::listDatasets);
    routes.put(DATASET, Access.MAINTAIN, this::putDataset);
    routes.get(DATASET, Access.READ, this::getDataset);
    routes.put("/blobs/{sha256}", Access.WRITE, this::putBlob);
    routes.get("/blobs/{sha256}", Access.READ, this::getBlob);
    routes.head("/blobs/{sha256}", Access.READ, this::headBlob);
    routes.post(DATASET + "/versions", Access.WRITE, this::push);
    routes.get(DATASET + "/versions", Access.READ, this::listVersions);
    routes.get(DATASET + "/versions/{ref}", Access.READ, this::getVersion);
    routes.get(DATASET + "/diff", Access.READ, this::diff);
    aliases.routes(routes, DATASET);
    lineage.routes(routes, DATASET);
  }

  private void putDataset(ApiCall call) {
    Project project = lookups.project(call);
    String name = call.pathParam("dataset");
    DatasetSettings settings =
        call.bodyBytes().length == 0
            ? new DatasetSettings(Optional.empty())
            : call.body(DatasetSettings.class);
    if (settings.suite().isPresent()) {
      try {
        SuiteParser.parse(settings.suite().get(), "suite.yaml", name);
      } catch (SuiteException e) {
        throw new ApiException.ValidationFailed(
            "the suite is not valid: " + e.describe(),
            List.of(FieldError.body("/suite", e.describe())));
      }
    }
    String actor = Lookups.actor(call);
    Optional<Dataset> existing = datasets.find(project.id(), name);
    Dataset dataset = existing.orElseGet(() -> datasets.create(project.id(), name, actor));
    if (settings.suite().isPresent()) {
      dataset = datasets.attachSuite(dataset.id(), settings.suite(), actor);
    }
    if (existing.isEmpty()) {
      call.context().header("Location", call.context().path());
    }
    call.json(existing.isPresent() ? 200 : 201, DatasetView.of(dataset, project.name()));
  }

  private void listDatasets(ApiCall call) {
    Project project = lookups.project(call);
    PageRequest request = call.pageRequest();
    dev.tend.store.Page<Dataset> page =
        datasets.list(project.id(), request.after(), request.limit());
    call.page(
        new Page<>(
            page.items().stream().map(d -> DatasetView.of(d, project.name())).toList(),
            page.nextCursor()));
  }

  private void getDataset(ApiCall call) {
    Project project = lookups.project(call);
    call.json(200, DatasetView.of(lookups.dataset(call, project), project.name()));
  }

  private void putBlob(ApiCall call) {
    String sha256 = sha256(call);
    boolean existed = artifacts.exists(sha256);
    Blob blob;
    try (InputStream body = call.bodyStream()) {
      blob = artifacts.put(body, OptionalLong.empty(), Optional.of(sha256));
    } catch (ArtifactMismatchException e) {
      throw new ApiException.ValidationFailed(
          "the uploaded content does not match the blob's name: " + e.getMessage(),
          List.of(FieldError.body("", e.getMessage())));
    } catch (ArtifactTooLargeException e) {
      throw new ApiException(
          ProblemCode.PAYLOAD_TOO_LARGE,
          "the blob is larger than the artifact store accepts: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the request body", e);
    }
    call.json(existed ? 200 : 201, new BlobView(blob.sha256(), blob.size()));
  }

  private void getBlob(ApiCall call) {
    String sha256 = sha256(call);
    long size;
    InputStream in;
    try {
      size = artifacts.size(sha256);
      in = artifacts.open(sha256);
    } catch (ArtifactNotFoundException e) {
      throw new ApiException.NotFound("no blob " + sha256);
    }
    String etag = "\"" + sha256 + "\"";
    if (etag.equals(call.context().header("If-None-Match"))) {
      closeQuietly(in);
      call.context().status(304).header("ETag", etag);
      return;
    }
    /* Blobs are sent as stored: most are compressed already, and the length must stay exact. */
    call.context()
        .disableCompression()
        .status(200)
        .contentType("application/octet-stream")
        .header("ETag", etag)
        .header("Content-Length", String.valueOf(size))
        .result(in);
  }

  private void headBlob(ApiCall call) {
    String sha256 = sha256(call);
    long size;
    try {
      size = artifacts.size(sha256);
    } catch (ArtifactNotFoundException e) {
      call.context().status(404);
      return;
    }
    call.context()
        .status(200)
        .contentType("application/octet-stream")
        .header("ETag", "\"" + sha256 + "\"")
        .header("Content-Length", String.valueOf(size));
  }

  private void push(ApiCall call) {
    Project project = lookups.project(call);
    Dataset dataset = lookups.dataset(call, project);
    NewVersion request = call.body(NewVersion.class);
    List<ManifestEntry> entries = entries(request.files());
    Format format = format(request, entries);
    String actor = Lookups.actor(call);
    String label = project.name() + "/" + dataset.name();
    String source = request.source().orElse("push by " + actor);
    try (PushFolder folder = PushFolder.create(workDir)) {
      Manifests.materialize(artifacts, new Manifest(entries), folder.path());
      PausePoints.reach(PausePoints.PUSH_MATERIALIZED);
      DataSource.Files data =
          entries.size() == 1
              ? DataSource.Files.of(folder.path().resolve(entries.getFirst().path()), format)
              : DataSource.Files.of(folder.path(), format);
      Optional<SuiteReport> report;
      DatasetProfile profile;
      String schema;
      try (dev.tend.engine.Dataset opened = engine.open(data)) {
        schema = schemaJson(opened);
        profile = Profiler.profile(opened, label, ProfileOptions.DEFAULTS);
        report =
            dataset
                .suite()
                .map(
                    suite ->
                        SuiteRunner.run(
                                SuiteParser.parse(suite.yaml(), "suite.yaml", dataset.name()),
                                opened,
                                label,
                                RunOptions.defaults())
                            .report());
      }
      List<ManifestFile> files =
          entries.stream().map(e -> new ManifestFile(e.path(), e.size(), e.sha256())).toList();
      DatasetVersion version =
          commit(dataset, folder, label, source, actor, files, schema, profile, report);
      call.context()
          .header(
              "Location",
              ApiRoutes.PREFIX + versionsPath(project, dataset) + "/" + version.number());
      call.json(201, view(version, Optional.of(files), report.map(DatasetsApi::summary)));
    } catch (DataException e) {
      throw new ApiException.ValidationFailed(
          "the pushed data cannot be read: " + e.getMessage(),
          List.of(FieldError.body("/files", e.getMessage())));
    } catch (SuiteException e) {
      throw new ApiException.ValidationFailed(
          "the dataset's suite cannot run on the pushed data: " + e.describe(),
          List.of(FieldError.body("/files", e.describe())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the push's folder under " + workDir, e);
    }
  }

  /*
   * The number is reserved only once the data has been read, profiled and checked, so a push
   * refused for its data stores nothing and skips no number; the profile and report then take
   * the version's name. The folder is renamed after the version's id before the reservation, so
   * a restart after a crash at any point finds and abandons it. A failure past the reservation
   * abandons the number.
   */
  private DatasetVersion commit(
      Dataset dataset,
      PushFolder folder,
      String label,
      String source,
      String actor,
      List<ManifestFile> files,
      String schema,
      DatasetProfile profile,
      Optional<SuiteReport> report)
      throws IOException {
    String versionId = Ids.next();
    folder.recordVersionId(versionId);
    PausePoints.reach(PausePoints.PUSH_NAMED);
    PendingVersion pending = datasets.reserveVersion(versionId, dataset.id(), source, actor);
    boolean committed = false;
    try {
      PausePoints.reach(PausePoints.PUSH_RESERVED);
      String versionLabel = label + "@v" + pending.number();
      DatasetProfile named =
          profile.withProvenance(
              ProfileProvenance.of(versionLabel, profile.provenance().createdAtEpochMillis()));
      Optional<SuiteReport> namedReport =
          report.map(
              r ->
                  new SuiteReport(
                      r.suite(),
                      versionLabel,
                      r.schema(),
                      r.rowCount(),
                      r.startedAt(),
                      r.elapsed(),
                      r.results(),
                      r.scores(),
                      r.thresholds()));
      VersionStatus outcome =
          report.map(SuiteReport::passed).orElse(true)
              ? VersionStatus.ACCEPTED
              : VersionStatus.REJECTED;
      VersionContent content =
          new VersionContent(
              files,
              files.stream().mapToLong(ManifestFile::sizeBytes).sum(),
              named.rowCount(),
              schema,
              named.toBytes(),
              namedReport.map(CheckReportJson::render).orElse("null"));
      PausePoints.reach(PausePoints.PUSH_BEFORE_COMMIT);
      DatasetVersion version = datasets.commitVersion(pending.id(), outcome, content, actor);
      committed = true;
      PausePoints.reach(PausePoints.PUSH_COMMITTED);
      return version;
    } finally {
      if (!committed) {
        try {
          datasets.abandon(pending.id(), actor);
        } catch (RuntimeException e) {
          LOG.warn(
              "cannot abandon pending version {} of dataset {}", pending.number(), dataset.id(), e);
        }
      }
    }
  }

  private List<ManifestEntry> entries(List<PushedFile> files) {
    if (files.isEmpty()) {
      throw new ApiException.ValidationFailed(
          FieldError.body("/files", "a version needs at least one file"));
    }
    List<ManifestEntry> entries = new ArrayList<>();
    List<FieldError> errors = new ArrayList<>();
    Set<String> missing = new TreeSet<>();
    TreeSet<String> paths = new TreeSet<>();
    for (int i = 0; i < files.size(); i++) {
      PushedFile file = files.get(i);
      ManifestEntry entry;
      try {
        entry = new ManifestEntry(file.path(), file.size(), file.sha256());
        new ManifestFile(file.path(), file.size(), file.sha256());
      } catch (IllegalArgumentException e) {
        errors.add(FieldError.body("/files/" + i, e.getMessage()));
        continue;
      }
      if (entry.size() == 0) {
        errors.add(
            FieldError.body(
                "/files/" + i + "/size",
                entry.path() + " is empty; a version is made of files with data"));
      } else if (!paths.add(entry.path())) {
        errors.add(FieldError.body("/files/" + i + "/path", "path " + entry.path() + " repeats"));
      } else if (files.size() > 1
          && Arrays.stream(entry.path().split("/")).anyMatch(segment -> segment.startsWith("."))) {
        errors.add(
            FieldError.body(
                "/files/" + i + "/path",
                entry.path()
                    + " is hidden (a segment starts with '.'), so it would not be read as part of"
                    + " the version; rename it"));
      } else if (!artifacts.exists(entry.sha256())) {
        missing.add(entry.sha256());
        errors.add(
            FieldError.body(
                "/files/" + i + "/sha256",
                "blob "
                    + entry.sha256()
                    + " of "
                    + entry.path()
                    + " is not uploaded; PUT it to /api/v1/blobs/"
                    + entry.sha256()
                    + " first"));
      } else if (artifacts.size(entry.sha256()) != entry.size()) {
        errors.add(
            FieldError.body(
                "/files/" + i + "/size",
                entry.path()
                    + " is "
                    + artifacts.size(entry.sha256())
                    + " bytes as uploaded, not "
                    + entry.size()));
      }
      entries.add(entry);
    }
    for (String path : paths) {
      String folder = path + "/";
      String next = paths.ceiling(folder);
      if (next != null && next.startsWith(folder)) {
        errors.add(
            FieldError.body(
                "/files",
                path + " is both a file and the folder of " + next + "; a path can be only one"));
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiException.ValidationFailed(
          missing.isEmpty()
              ? "the files of the version are not valid: " + errors.getFirst().message()
              : "missing blobs: " + String.join(", ", missing),
          errors);
    }
    return entries;
  }

  private static Format format(NewVersion request, List<ManifestEntry> entries) {
    if (request.format().isPresent()) {
      return Format.parse(request.format().get())
          .orElseThrow(
              () ->
                  new ApiException.ValidationFailed(
                      FieldError.body(
                          "/format",
                          "unknown format '"
                              + request.format().get()
                              + "'; expected csv, parquet, json or jsonl")));
    }
    Set<Format> formats = new TreeSet<>();
    for (ManifestEntry entry : entries) {
      Optional<Format> format = Format.fromFileName(entry.path());
      if (format.isEmpty()) {
        throw new ApiException.ValidationFailed(
            FieldError.body(
                "/format",
                "cannot tell the format of "
                    + entry.path()
                    + " from its name; give format: csv, parquet, json or jsonl"));
      }
      formats.add(format.get());
    }
    if (formats.size() != 1) {
      throw new ApiException.ValidationFailed(
          FieldError.body(
              "/format", "the files have several formats " + formats + "; push one format"));
    }
    return formats.iterator().next();
  }

  private String schemaJson(dev.tend.engine.Dataset opened) {
    List<Map<String, String>> columns = new ArrayList<>();
    for (var column : opened.schema().columns()) {
      Map<String, String> json = new LinkedHashMap<>();
      json.put("name", column.name());
      json.put("type", column.type().label());
      json.put("source_type", column.sourceType());
      columns.add(json);
    }
    try {
      return mapper.writeValueAsString(Map.of("columns", columns));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a schema as JSON", e);
    }
  }

  private static CheckSummary summary(SuiteReport report) {
    return new CheckSummary(
        report.passed(),
        report.results().stream()
            .filter(r -> !r.passed())
            .map(CheckResult::check)
            .map(c -> c.header().name())
            .toList());
  }

  private void listVersions(ApiCall call) {
    Project project = lookups.project(call);
    Dataset dataset = lookups.dataset(call, project);
    PageRequest request = call.pageRequest();
    dev.tend.store.Page<DatasetVersion> page =
        datasets.versions(dataset.id(), request.after(), request.limit());
    call.page(
        new Page<>(
            page.items().stream().map(v -> view(v, Optional.empty(), Optional.empty())).toList(),
            page.nextCursor()));
  }

  private void getVersion(ApiCall call) {
    Project project = lookups.project(call);
    Dataset dataset = lookups.dataset(call, project);
    DatasetVersion version =
        lookups.version(dataset, FieldError.path("ref", ""), call.pathParam("ref"));
    call.json(200, view(version, Optional.of(datasets.manifest(version.id())), Optional.empty()));
  }

  private void diff(ApiCall call) {
    Project project = lookups.project(call);
    Dataset dataset = lookups.dataset(call, project);
    DatasetVersion from =
        lookups.version(dataset, FieldError.query("from", ""), Lookups.requiredQuery(call, "from"));
    DatasetVersion to =
        lookups.version(dataset, FieldError.query("to", ""), Lookups.requiredQuery(call, "to"));
    call.json(200, VersionDiff.between(datasets, from, to));
  }

  private VersionView view(
      DatasetVersion version, Optional<List<ManifestFile>> files, Optional<CheckSummary> checks) {
    boolean full = files.isPresent();
    return new VersionView(
        version.number(),
        version.status().label(),
        version.createdAt(),
        version.createdBy(),
        version.committedAt(),
        version.source(),
        version.rowCount(),
        version.totalBytes(),
        files.map(
            list ->
                list.stream().map(f -> new FileView(f.path(), f.sizeBytes(), f.sha256())).toList()),
        full ? Optional.of(readJson(version.schemaJson())) : Optional.empty(),
        full ? Optional.of(readJson(version.checkReportJson())) : Optional.empty(),
        checks);
  }

  private JsonNode readJson(String json) {
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored JSON document does not parse", e);
    }
  }

  private static String versionsPath(Project project, Dataset dataset) {
    return "/projects/" + project.name() + "/datasets/" + dataset.name() + "/versions";
  }

  private static String sha256(ApiCall call) {
    String sha256 = call.pathParam("sha256");
    if (!sha256.matches("[0-9a-f]{64}")) {
      throw new ApiException.ValidationFailed(
          new FieldError(
              "path",
              "sha256",
              "a blob is named by 64 lower-case hex digits, not '" + sha256 + "'"));
    }
    return sha256;
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      LOG.debug("cannot close a blob stream", e);
    }
  }

  @Override
  public JsonNode openApi(ObjectMapper mapper) {
    return OpenApiDocument.load(mapper, DatasetsApi.class, "datasets-openapi.json");
  }
}
