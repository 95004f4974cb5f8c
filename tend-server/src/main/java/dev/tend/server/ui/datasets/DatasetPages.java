package dev.tend.server.ui.datasets;

import static java.util.Objects.requireNonNull;

import dev.tend.datasets.Alias;
import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.datasets.ManifestFile;
import dev.tend.datasets.VersionStatus;
import dev.tend.profile.DatasetProfile;
import dev.tend.projects.Project;
import dev.tend.server.datasets.VersionDiff;
import dev.tend.server.ui.Charts;
import dev.tend.server.ui.Section;
import dev.tend.server.ui.UiArea;
import dev.tend.server.ui.UiCall;
import dev.tend.server.ui.UiException;
import dev.tend.server.ui.UiPaths;
import dev.tend.server.ui.UiResponse;
import dev.tend.server.ui.UiRoutes;
import dev.tend.store.Names;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The datasets pages: a project's datasets with their latest version and quality, one dataset's
 * versions with its quality over time and a diff of two versions, and one version's column profiles
 * and check results with the failing rows its push kept. Reads only what pushes stored; never reads
 * the data again. Thread-safe.
 */
public final class DatasetPages implements UiArea {
  /* Bounds that keep every page fast whatever a dataset's history. */
  static final int MAX_DATASETS = 200;
  static final int MAX_VERSIONS = 1000;
  static final int TABLE_VERSIONS = 100;
  static final int CHART_VERSIONS = 200;

  private final DatasetRepository datasets;

  public DatasetPages(DatasetRepository datasets) {
    this.datasets = requireNonNull(datasets, "datasets is null");
  }

  /** The model of {@code datasets/list.jte}. */
  public record ListPage(String project, List<DatasetRow> datasets, boolean more) {
    public ListPage {
      requireNonNull(project, "project is null");
      datasets = List.copyOf(requireNonNull(datasets, "datasets is null"));
    }
  }

  /** A dataset in the list: its latest version (of any status) and that version's quality. */
  public record DatasetRow(
      String name,
      String link,
      int versions,
      Optional<DatasetVersion> latest,
      List<Alias> aliases,
      Optional<StoredReport> report,
      boolean hasSuite) {
    public DatasetRow {
      requireNonNull(name, "name is null");
      requireNonNull(link, "link is null");
      requireNonNull(latest, "latest is null");
      aliases = List.copyOf(requireNonNull(aliases, "aliases is null"));
      requireNonNull(report, "report is null");
    }
  }

  /** The model of {@code datasets/dataset.jte}. */
  public record DatasetPage(
      String project,
      Dataset dataset,
      int versionCount,
      List<VersionRow> versions,
      List<Alias> aliases,
      Optional<String> qualityChart,
      List<Integer> numbers,
      String diffAction) {
    public DatasetPage {
      requireNonNull(project, "project is null");
      requireNonNull(dataset, "dataset is null");
      versions = List.copyOf(requireNonNull(versions, "versions is null"));
      aliases = List.copyOf(requireNonNull(aliases, "aliases is null"));
      requireNonNull(qualityChart, "qualityChart is null");
      numbers = List.copyOf(requireNonNull(numbers, "numbers is null"));
      requireNonNull(diffAction, "diffAction is null");
    }

    /** The version a diff compares from by default: the one before the newest (0 for none). */
    public int defaultFrom() {
      return numbers.isEmpty() ? 0 : numbers.get(Math.max(0, numbers.size() - 2));
    }
  }

  /** A row of the versions table. */
  public record VersionRow(
      DatasetVersion version,
      int files,
      List<String> aliases,
      Optional<StoredReport> report,
      String link) {
    public VersionRow {
      requireNonNull(version, "version is null");
      aliases = List.copyOf(requireNonNull(aliases, "aliases is null"));
      requireNonNull(report, "report is null");
      requireNonNull(link, "link is null");
    }
  }

  /** The model of {@code datasets/version.jte}. */
  public record VersionPage(
      String project,
      Dataset dataset,
      String datasetLink,
      DatasetVersion version,
      List<String> aliases,
      List<ManifestFile> files,
      List<Profiles.ColumnRow> columns,
      Optional<StoredReport> report) {
    public VersionPage {
      requireNonNull(project, "project is null");
      requireNonNull(dataset, "dataset is null");
      requireNonNull(datasetLink, "datasetLink is null");
      requireNonNull(version, "version is null");
      aliases = List.copyOf(requireNonNull(aliases, "aliases is null"));
      files = List.copyOf(requireNonNull(files, "files is null"));
      columns = List.copyOf(requireNonNull(columns, "columns is null"));
      requireNonNull(report, "report is null");
    }
  }

  /** The model of {@code datasets/diff.jte}. */
  public record DiffPage(
      String project,
      Dataset dataset,
      String datasetLink,
      VersionDiff.Body diff,
      List<Integer> numbers,
      String diffAction) {
    public DiffPage {
      requireNonNull(project, "project is null");
      requireNonNull(dataset, "dataset is null");
      requireNonNull(datasetLink, "datasetLink is null");
      requireNonNull(diff, "diff is null");
      numbers = List.copyOf(requireNonNull(numbers, "numbers is null"));
      requireNonNull(diffAction, "diffAction is null");
    }

    /** The link to a version of this dataset. */
    public String versionLink(int number) {
      return UiPaths.project(
          project, "datasets", dataset.name(), "versions", Integer.toString(number));
    }
  }

  /** The badge class of a version's status. */
  public static String badge(VersionStatus status) {
    return switch (status) {
      case ACCEPTED -> "ok";
      case REJECTED -> "bad";
      case PENDING -> "info";
    };
  }

  @Override
  public void routes(UiRoutes routes) {
    routes.get("/projects/{project}/datasets", this::list);
    routes.get("/projects/{project}/datasets/{dataset}", this::dataset);
    routes.get("/projects/{project}/datasets/{dataset}/diff", this::diff);
    routes.get("/projects/{project}/datasets/{dataset}/versions/{version}", this::version);
  }

  private UiResponse list(UiCall call) {
    Project project = call.project();
    dev.tend.store.Page<Dataset> page = datasets.list(project.id(), Optional.empty(), MAX_DATASETS);
    List<DatasetRow> rows = new ArrayList<>();
    for (Dataset dataset : page.items()) {
      List<DatasetVersion> versions = versions(dataset);
      Optional<DatasetVersion> latest =
          versions.isEmpty() ? Optional.empty() : Optional.of(versions.getLast());
      rows.add(
          new DatasetRow(
              dataset.name(),
              UiPaths.project(project.name(), "datasets", dataset.name()),
              versions.size(),
              latest,
              datasets.aliases(dataset.id()),
              latest.flatMap(v -> StoredReport.parse(v.checkReportJson())),
              dataset.suite().isPresent()));
    }
    return UiResponse.page(
        "datasets/list.jte",
        call.chrome("Datasets", Section.DATASETS),
        new ListPage(project.name(), rows, page.nextCursor().isPresent()));
  }

  private UiResponse dataset(UiCall call) {
    Project project = call.project();
    Dataset dataset = dataset(call, project);
    List<DatasetVersion> versions = versions(dataset);
    List<Alias> aliases = datasets.aliases(dataset.id());
    Map<Integer, List<String>> aliasesOf = new HashMap<>();
    aliases.forEach(
        a -> aliasesOf.computeIfAbsent(a.versionNumber(), n -> new ArrayList<>()).add(a.name()));
    Map<Integer, Optional<StoredReport>> reports = new HashMap<>();
    List<VersionRow> rows = new ArrayList<>();
    for (DatasetVersion version : versions.reversed()) {
      if (rows.size() == TABLE_VERSIONS) {
        break;
      }
      Optional<StoredReport> report = report(reports, version);
      rows.add(
          new VersionRow(
              version,
              datasets.manifest(version.id()).size(),
              aliasesOf.getOrDefault(version.number(), List.of()),
              report,
              versionLink(project, dataset, version.number())));
    }
    List<DatasetVersion> charted =
        versions.subList(Math.max(0, versions.size() - CHART_VERSIONS), versions.size());
    return UiResponse.page(
        "datasets/dataset.jte",
        call.chrome(dataset.name(), Section.DATASETS),
        new DatasetPage(
            project.name(),
            dataset,
            versions.size(),
            rows,
            aliases,
            qualityChart(charted, reports),
            versions.stream().map(DatasetVersion::number).toList(),
            UiPaths.project(project.name(), "datasets", dataset.name(), "diff")));
  }

  private UiResponse version(UiCall call) {
    Project project = call.project();
    Dataset dataset = dataset(call, project);
    DatasetVersion version = version(dataset, call.path("version"), "version");
    DatasetProfile profile = profile(version);
    List<String> aliases =
        datasets.aliases(dataset.id()).stream()
            .filter(a -> a.versionNumber() == version.number())
            .map(Alias::name)
            .toList();
    return UiResponse.page(
        "datasets/version.jte",
        call.chrome(dataset.name() + " v" + version.number(), Section.DATASETS),
        new VersionPage(
            project.name(),
            dataset,
            UiPaths.project(project.name(), "datasets", dataset.name()),
            version,
            aliases,
            datasets.manifest(version.id()),
            Profiles.rows(profile),
            StoredReport.parse(version.checkReportJson())));
  }

  private UiResponse diff(UiCall call) {
    Project project = call.project();
    Dataset dataset = dataset(call, project);
    DatasetVersion from = version(dataset, required(call, "from"), "from");
    DatasetVersion to = version(dataset, required(call, "to"), "to");
    return UiResponse.page(
        "datasets/diff.jte",
        call.chrome(dataset.name() + " v" + from.number() + " → v" + to.number(), Section.DATASETS),
        new DiffPage(
            project.name(),
            dataset,
            UiPaths.project(project.name(), "datasets", dataset.name()),
            VersionDiff.between(datasets, from, to),
            versions(dataset).stream().map(DatasetVersion::number).toList(),
            UiPaths.project(project.name(), "datasets", dataset.name(), "diff")));
  }

  /*
   * Per version: the share of checks passed and the overall and completeness scores from its
   * report, and the share of missing cells from its profile (which a version without a suite has
   * too). A series with no value at all is left out.
   */
  private Optional<String> qualityChart(
      List<DatasetVersion> versions, Map<Integer, Optional<StoredReport>> reports) {
    List<Charts.Point> passed = new ArrayList<>();
    List<Charts.Point> overall = new ArrayList<>();
    List<Charts.Point> completeness = new ArrayList<>();
    List<Charts.Point> missing = new ArrayList<>();
    for (DatasetVersion version : versions) {
      Optional<StoredReport> report = report(reports, version);
      passed.add(
          new Charts.Point(
              version.createdAt(), report.flatMap(StoredReport::quality).orElse(null)));
      overall.add(
          new Charts.Point(
              version.createdAt(), report.flatMap(r -> r.score("overall")).orElse(null)));
      completeness.add(
          new Charts.Point(
              version.createdAt(), report.flatMap(r -> r.score("completeness")).orElse(null)));
      missing.add(new Charts.Point(version.createdAt(), Profiles.missingShare(profile(version))));
    }
    List<Charts.Series> series = new ArrayList<>();
    addIfAny(series, "checks passed", passed);
    addIfAny(series, "overall score", overall);
    addIfAny(series, "completeness score", completeness);
    addIfAny(series, "missing cells", missing);
    return series.isEmpty()
        ? Optional.empty()
        : Optional.of(Charts.lines("Quality by version", "share", series));
  }

  private static void addIfAny(List<Charts.Series> series, String name, List<Charts.Point> points) {
    if (points.stream().anyMatch(p -> p.value() != null && !p.value().isNaN())) {
      series.add(new Charts.Series(name, points));
    }
  }

  private static Optional<StoredReport> report(
      Map<Integer, Optional<StoredReport>> reports, DatasetVersion version) {
    return reports.computeIfAbsent(
        version.number(), n -> StoredReport.parse(version.checkReportJson()));
  }

  /** Committed versions, oldest first, at most {@link #MAX_VERSIONS} of the newest. */
  private List<DatasetVersion> versions(Dataset dataset) {
    List<DatasetVersion> all = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    do {
      dev.tend.store.Page<DatasetVersion> page =
          datasets.versions(dataset.id(), cursor, MAX_VERSIONS);
      all.addAll(page.items());
      cursor = page.nextCursor();
      if (all.size() > MAX_VERSIONS) {
        all.subList(0, all.size() - MAX_VERSIONS).clear();
      }
    } while (cursor.isPresent());
    return all;
  }

  private DatasetProfile profile(DatasetVersion version) {
    return DatasetProfile.fromBytes(
        datasets
            .profile(version.id())
            .orElseThrow(
                () -> new IllegalStateException("version " + version.id() + " has no profile")));
  }

  private Dataset dataset(UiCall call, Project project) {
    String name = call.path("dataset");
    return datasets
        .find(project.id(), name)
        .orElseThrow(
            () ->
                UiException.notFound(
                    "there is no dataset '" + name + "' in project '" + project.name() + "'"));
  }

  /* A reference is a version number or an alias name (alias names are never all digits). */
  private DatasetVersion version(Dataset dataset, String ref, String what) {
    if (!ref.isEmpty() && ref.chars().allMatch(c -> c >= '0' && c <= '9')) {
      int number;
      try {
        number = Integer.parseInt(ref);
      } catch (NumberFormatException e) {
        number = 0;
      }
      if (number < 1) {
        throw UiException.badRequest(
            what + ": a version number is a whole number from 1, not '" + ref + "'");
      }
      int n = number;
      return datasets
          .version(dataset.id(), n)
          .orElseThrow(
              () ->
                  UiException.notFound(
                      "dataset '" + dataset.name() + "' has no committed version " + n));
    }
    try {
      Names.requireValid("alias", ref);
    } catch (IllegalArgumentException e) {
      throw UiException.badRequest(
          what + ": a version is a number or an alias name; " + e.getMessage());
    }
    return datasets
        .resolve(dataset.id(), ref)
        .orElseThrow(
            () ->
                UiException.notFound(
                    "dataset '" + dataset.name() + "' has no alias '" + ref + "'"));
  }

  private static String required(UiCall call, String name) {
    return call.query(name)
        .orElseThrow(
            () ->
                UiException.badRequest(
                    "choose two versions to compare: ?from= and ?to= are version numbers or"
                        + " aliases, and ?"
                        + name
                        + "= is missing"));
  }

  private static String versionLink(Project project, Dataset dataset, int number) {
    return UiPaths.project(
        project.name(), "datasets", dataset.name(), "versions", Integer.toString(number));
  }
}
