package dev.tend.server.ui.runs;

import static java.util.Objects.requireNonNull;

import dev.tend.artifacts.ManifestEntry;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.UsedVersion;
import dev.tend.projects.Project;
import dev.tend.registry.ModelSearch;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.ui.Charts;
import dev.tend.server.ui.Formats;
import dev.tend.server.ui.Section;
import dev.tend.server.ui.UiArea;
import dev.tend.server.ui.UiCall;
import dev.tend.server.ui.UiException;
import dev.tend.server.ui.UiPaths;
import dev.tend.server.ui.UiResponse;
import dev.tend.server.ui.UiRoutes;
import dev.tend.store.Page;
import dev.tend.tracking.ArtifactFile;
import dev.tend.tracking.Experiment;
import dev.tend.tracking.ExperimentSearch;
import dev.tend.tracking.Metric;
import dev.tend.tracking.Run;
import dev.tend.tracking.RunArtifacts;
import dev.tend.tracking.RunInput;
import dev.tend.tracking.RunSearch;
import dev.tend.tracking.RunStatus;
import dev.tend.tracking.TrackingRepository;
import dev.tend.tracking.ViewType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The runs of a project (its experiments' runs), MLflow-style: a table with filters (experiment,
 * status, MLflow's filter grammar) sorted by a metric, a page per run (params, metrics with their
 * history, tags, artifacts, input datasets, model versions registered from it), and runs compared
 * side by side. Reads only; every listing is bounded. Thread-safe.
 */
public final class RunPages implements UiArea {
  /** Runs a page of the table shows, by default and at most. */
  static final int PAGE_SIZE = 50;

  static final int MAX_PAGE_SIZE = 200;

  /** Experiments of one project the table reads at most. */
  static final int MAX_EXPERIMENTS = 1000;

  /** Param and metric columns the table shows at most (a run's page has them all). */
  static final int PARAM_COLUMNS = 8;

  static final int METRIC_COLUMNS = 6;

  /** Runs compared at once at most. */
  static final int MAX_COMPARED = 10;

  /** Metric charts a page draws at most, and the points of one metric's history it reads. */
  static final int MAX_CHARTS = 24;

  static final int MAX_HISTORY = 1000;

  /** Artifacts and model versions a run's page lists at most. */
  static final int MAX_ARTIFACTS = 200;

  static final int MAX_VERSIONS = 100;

  private final TrackingRepository tracking;
  private final RunArtifacts artifacts;
  private final RegistryRepository registry;
  private final DatasetRepository datasets;

  public RunPages(
      TrackingRepository tracking,
      RunArtifacts artifacts,
      RegistryRepository registry,
      DatasetRepository datasets) {
    this.tracking = requireNonNull(tracking, "tracking is null");
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.datasets = requireNonNull(datasets, "datasets is null");
  }

  /** What the table is filtered and sorted by, as the query string carries it. */
  public record Filters(
      Optional<Long> experiment,
      Optional<RunStatus> status,
      String filter,
      Optional<String> sortMetric,
      boolean ascending,
      int size) {
    public Filters {
      requireNonNull(experiment, "experiment is null");
      requireNonNull(status, "status is null");
      requireNonNull(filter, "filter is null");
      requireNonNull(sortMetric, "sortMetric is null");
    }

    /** The filter given to the tracking store: the user's and the status, both holding. */
    String searchFilter() {
      String byStatus = status.map(s -> "attributes.status = '" + s.name() + "'").orElse("");
      if (filter.isBlank()) {
        return byStatus;
      }
      return byStatus.isEmpty() ? filter : "(" + filter + ") AND " + byStatus;
    }

    List<String> orderBy() {
      return sortMetric
          .map(m -> List.of("metrics." + backquoted(m) + (ascending ? " ASC" : " DESC")))
          .orElse(List.of());
    }

    /** The query string of these filters (without a page token). */
    String query() {
      List<String> parts = new ArrayList<>();
      experiment.ifPresent(e -> parts.add("experiment=" + e));
      status.ifPresent(s -> parts.add("status=" + s.name()));
      if (!filter.isBlank()) {
        parts.add("filter=" + UiPaths.query(filter));
      }
      sortMetric.ifPresent(m -> parts.add("sort=" + UiPaths.query(m)));
      if (ascending) {
        parts.add("order=asc");
      }
      if (size != PAGE_SIZE) {
        parts.add("size=" + size);
      }
      return String.join("&", parts);
    }
  }

  /** One run in the table; {@code params} and {@code metrics} follow the page's columns. */
  public record RunRow(
      String id,
      String name,
      String link,
      String experiment,
      RunStatus status,
      String start,
      String duration,
      List<String> params,
      List<String> metrics,
      String dataset) {
    public RunRow {
      requireNonNull(id, "id is null");
      requireNonNull(name, "name is null");
      requireNonNull(link, "link is null");
      requireNonNull(experiment, "experiment is null");
      requireNonNull(status, "status is null");
      requireNonNull(start, "start is null");
      requireNonNull(duration, "duration is null");
      params = List.copyOf(params);
      metrics = List.copyOf(metrics);
      requireNonNull(dataset, "dataset is null");
    }
  }

  /** The model of {@code runs/list.jte}. */
  public record RunsPage(
      String project,
      List<Experiment> experiments,
      Filters filters,
      List<String> paramColumns,
      List<String> metricColumns,
      List<RunRow> rows,
      Optional<String> more,
      Optional<String> error) {
    public RunsPage {
      requireNonNull(project, "project is null");
      experiments = List.copyOf(experiments);
      requireNonNull(filters, "filters is null");
      paramColumns = List.copyOf(paramColumns);
      metricColumns = List.copyOf(metricColumns);
      rows = List.copyOf(rows);
      requireNonNull(more, "more is null");
      requireNonNull(error, "error is null");
    }

    public String comparePath() {
      return UiPaths.project(project, "runs", "compare");
    }

    public String listPath() {
      return UiPaths.project(project, "runs");
    }

    public List<RunStatus> statuses() {
      return List.of(RunStatus.values());
    }
  }

  /** A key and its text value (a param, a tag, a metric's latest value). */
  public record Entry(String key, String value) {
    public Entry {
      requireNonNull(key, "key is null");
      requireNonNull(value, "value is null");
    }
  }

  /** A metric's history chart: its element id and ECharts option. */
  public record Chart(String id, String key, String option) {
    public Chart {
      requireNonNull(id, "id is null");
      requireNonNull(key, "key is null");
      requireNonNull(option, "option is null");
    }
  }

  /** A dataset a run read: what the client logged, and the Tend version it names, if any. */
  public record InputRow(String name, String source, String context, String digest) {
    public InputRow {
      requireNonNull(name, "name is null");
      requireNonNull(source, "source is null");
      requireNonNull(context, "context is null");
      requireNonNull(digest, "digest is null");
    }
  }

  /** A link with its text. */
  public record Link(String text, String href) {
    public Link {
      requireNonNull(text, "text is null");
      requireNonNull(href, "href is null");
    }
  }

  /** The model of {@code runs/run.jte}. */
  public record RunPage(
      String project,
      RunRow run,
      String user,
      String artifactUri,
      List<Entry> params,
      List<Entry> metrics,
      List<Chart> charts,
      List<Entry> tags,
      List<Link> artifactTrail,
      List<ArtifactRow> artifacts,
      boolean moreArtifacts,
      List<InputRow> inputs,
      List<Link> datasetVersions,
      List<Link> modelVersions) {
    public RunPage {
      requireNonNull(project, "project is null");
      requireNonNull(run, "run is null");
      requireNonNull(user, "user is null");
      requireNonNull(artifactUri, "artifactUri is null");
      params = List.copyOf(params);
      metrics = List.copyOf(metrics);
      charts = List.copyOf(charts);
      tags = List.copyOf(tags);
      artifactTrail = List.copyOf(artifactTrail);
      artifacts = List.copyOf(artifacts);
      inputs = List.copyOf(inputs);
      datasetVersions = List.copyOf(datasetVersions);
      modelVersions = List.copyOf(modelVersions);
    }
  }

  /**
   * A file or folder directly inside the artifact folder shown: a folder links to its own listing,
   * a file to its download.
   */
  public record ArtifactRow(String name, String href, boolean folder, OptionalLong size) {
    public ArtifactRow {
      requireNonNull(name, "name is null");
      requireNonNull(href, "href is null");
      requireNonNull(size, "size is null");
    }
  }

  /** A param or metric across the compared runs; {@code differs} when not all values agree. */
  public record CompareRow(String key, List<String> values, boolean differs) {
    public CompareRow {
      requireNonNull(key, "key is null");
      values = List.copyOf(values);
    }
  }

  /** The model of {@code runs/compare.jte}. */
  public record ComparePage(
      String project,
      List<RunRow> runs,
      List<CompareRow> params,
      List<CompareRow> metrics,
      List<Chart> charts) {
    public ComparePage {
      requireNonNull(project, "project is null");
      runs = List.copyOf(runs);
      params = List.copyOf(params);
      metrics = List.copyOf(metrics);
      charts = List.copyOf(charts);
    }
  }

  @Override
  public void routes(UiRoutes routes) {
    routes.get("/projects/{project}/runs", this::list);
    routes.get("/projects/{project}/runs/compare", this::compare);
    routes.get("/projects/{project}/runs/{run}", this::run);
    routes.get("/projects/{project}/runs/{run}/artifact", this::download);
  }

  private UiResponse list(UiCall call) {
    Project project = call.project();
    List<Experiment> experiments = experiments(project);
    Filters filters = filters(call, experiments);
    List<Long> ids =
        filters
            .experiment()
            .map(List::of)
            .orElseGet(() -> experiments.stream().map(Experiment::id).toList());
    Map<Long, String> names = new LinkedHashMap<>();
    experiments.forEach(e -> names.put(e.id(), e.name()));
    Page<Run> page = new Page<>(List.of(), Optional.empty());
    Optional<String> error = Optional.empty();
    if (!ids.isEmpty()) {
      try {
        page =
            tracking.searchRuns(
                new RunSearch(
                    ids,
                    filters.searchFilter(),
                    ViewType.ACTIVE_ONLY,
                    filters.size(),
                    filters.orderBy(),
                    call.query("page")));
      } catch (IllegalArgumentException e) {
        /* A filter that does not parse, or a stale page token: the form stays to correct it. */
        call.context().status(400);
        error = Optional.of(e.getMessage());
      }
    }
    List<Run> runs = page.items();
    List<String> paramColumns =
        columns(
            runs.stream().map(r -> (Map<String, String>) r.params()).toList(), "", PARAM_COLUMNS);
    List<String> metricColumns =
        columns(
            runs.stream().map(RunPages::latestValues).toList(),
            filters.sortMetric().orElse(""),
            METRIC_COLUMNS);
    List<RunRow> rows =
        runs.stream().map(r -> row(project, r, names, paramColumns, metricColumns)).toList();
    String query = filters.query();
    Optional<String> more =
        page.nextCursor()
            .map(
                token ->
                    UiPaths.project(project.name(), "runs")
                        + "?"
                        + (query.isEmpty() ? "" : query + "&")
                        + "page="
                        + UiPaths.query(token));
    return UiResponse.page(
        "runs/list.jte",
        call.chrome("Runs", Section.RUNS),
        new RunsPage(
            project.name(), experiments, filters, paramColumns, metricColumns, rows, more, error));
  }

  private UiResponse run(UiCall call) {
    Project project = call.project();
    Run run = runOf(project, call.path("run"));
    String experiment = tracking.experiment(run.info().experimentId()).orElseThrow().name();
    RunRow row =
        row(project, run, Map.of(run.info().experimentId(), experiment), List.of(), List.of());
    String id = run.info().runId();
    List<Chart> charts = new ArrayList<>();
    for (Metric metric : run.latestMetrics()) {
      if (charts.size() == MAX_CHARTS) {
        break;
      }
      List<Metric> history = history(id, metric.key());
      if (history.size() > 1) {
        charts.add(
            new Chart(
                "metric-" + charts.size(),
                metric.key(),
                stepChart(metric.key(), Map.of(row.name(), history))));
      }
    }
    Optional<String> folder = call.query("artifacts").filter(f -> !f.isEmpty());
    List<ArtifactFile> files;
    try {
      files = artifacts.list(id, folder);
    } catch (IllegalArgumentException e) {
      throw UiException.badRequest("artifacts: " + e.getMessage());
    }
    String runPath = UiPaths.project(project.name(), "runs", id);
    List<Link> trail = new ArrayList<>();
    if (folder.isPresent()) {
      trail.add(new Link("artifacts", runPath + "#artifacts"));
      String[] parts = folder.get().split("/");
      StringBuilder at = new StringBuilder();
      for (String part : parts) {
        at.append(at.isEmpty() ? "" : "/").append(part);
        trail.add(
            new Link(part, runPath + "?artifacts=" + UiPaths.query(at.toString()) + "#artifacts"));
      }
    }
    List<ArtifactRow> artifactRows =
        files.stream()
            .limit(MAX_ARTIFACTS)
            .map(
                f ->
                    new ArtifactRow(
                        f.path().substring(f.path().lastIndexOf('/') + 1) + (f.isDir() ? "/" : ""),
                        runPath
                            + (f.isDir() ? "?artifacts=" : "/artifact?path=")
                            + UiPaths.query(f.path())
                            + (f.isDir() ? "#artifacts" : ""),
                        f.isDir(),
                        f.size()))
            .toList();
    List<InputRow> inputs =
        run.inputs().stream()
            .map(
                input ->
                    new InputRow(
                        input.name(),
                        input.source(),
                        input.tags().getOrDefault(RunInput.CONTEXT_TAG, ""),
                        input.digest()))
            .toList();
    List<Link> used =
        datasets.usedBy(TrackingRepository.USAGE_KIND, id).stream()
            .filter(v -> v.projectId().equals(project.id()))
            .map(RunPages::datasetLink)
            .toList();
    List<Link> versions =
        registry
            .searchVersions(
                new ModelSearch(
                    "run_id = " + quoted(id),
                    MAX_VERSIONS,
                    List.of(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(project.id())))
            .items()
            .stream()
            .map(v -> versionLink(project.name(), v))
            .toList();
    return UiResponse.page(
        "runs/run.jte",
        call.chrome("Run " + row.name(), Section.RUNS),
        new RunPage(
            project.name(),
            row,
            run.info().userId().orElse(Formats.NONE),
            run.info().artifactUri(),
            run.params().entrySet().stream().map(e -> new Entry(e.getKey(), e.getValue())).toList(),
            latest(run).entrySet().stream()
                .map(e -> new Entry(e.getKey(), number(e.getValue().value())))
                .toList(),
            charts,
            run.tags().entrySet().stream().map(e -> new Entry(e.getKey(), e.getValue())).toList(),
            trail,
            artifactRows,
            files.size() > MAX_ARTIFACTS,
            inputs,
            used,
            versions));
  }

  private UiResponse compare(UiCall call) {
    Project project = call.project();
    List<String> ids =
        new ArrayList<>(new LinkedHashSet<>(call.context().queryParams("run")))
            .stream().filter(s -> !s.isBlank()).toList();
    if (ids.size() < 2) {
      throw UiException.badRequest("choose two runs or more to compare (run=ID&run=ID)");
    }
    if (ids.size() > MAX_COMPARED) {
      throw UiException.badRequest(
          "at most " + MAX_COMPARED + " runs can be compared at once, not " + ids.size());
    }
    List<Run> runs = ids.stream().map(id -> runOf(project, id)).toList();
    Map<Long, String> names = new LinkedHashMap<>();
    for (Run run : runs) {
      names.computeIfAbsent(
          run.info().experimentId(),
          e -> tracking.experiment(e).map(Experiment::name).orElse(Formats.NONE));
    }
    List<RunRow> rows =
        runs.stream().map(r -> row(project, r, names, List.of(), List.of())).toList();
    Set<String> paramKeys = new TreeSet<>();
    Set<String> metricKeys = new TreeSet<>();
    runs.forEach(
        r -> {
          paramKeys.addAll(r.params().keySet());
          metricKeys.addAll(latest(r).keySet());
        });
    List<CompareRow> params =
        paramKeys.stream()
            .map(k -> compareRow(k, runs.stream().map(r -> r.params().get(k)).toList()))
            .toList();
    List<CompareRow> metrics =
        metricKeys.stream()
            .map(
                k ->
                    compareRow(
                        k,
                        runs.stream()
                            .map(r -> latest(r).get(k))
                            .map(m -> m == null ? null : number(m.value()))
                            .toList()))
            .toList();
    List<Chart> charts = new ArrayList<>();
    for (String key : metricKeys) {
      if (charts.size() == MAX_CHARTS) {
        break;
      }
      Map<String, List<Metric>> histories = new LinkedHashMap<>();
      for (int i = 0; i < runs.size(); i++) {
        if (latest(runs.get(i)).containsKey(key)) {
          histories.put(seriesName(rows, i), history(rows.get(i).id(), key));
        }
      }
      charts.add(new Chart("metric-" + charts.size(), key, stepChart(key, histories)));
    }
    return UiResponse.page(
        "runs/compare.jte",
        call.chrome("Compare runs", Section.RUNS),
        new ComparePage(project.name(), rows, params, metrics, charts));
  }

  /** The project's active experiments, newest first. */
  private List<Experiment> experiments(Project project) {
    return tracking
        .searchExperiments(
            new ExperimentSearch(
                "",
                ViewType.ACTIVE_ONLY,
                MAX_EXPERIMENTS,
                List.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(project.id())))
        .items();
  }

  /** The run {@code id}; a 404 page unless it is a run of one of the project's experiments. */
  /* One logged file of a run, as an attachment. */
  private UiResponse download(UiCall call) {
    Project project = call.project();
    String id = runOf(project, call.path("run")).info().runId();
    String path =
        call.query("path")
            .filter(p -> !p.isEmpty())
            .orElseThrow(
                () -> UiException.badRequest("path is required: the artifact to download"));
    Optional<ManifestEntry> file;
    try {
      file = artifacts.file(id, path);
    } catch (IllegalArgumentException e) {
      throw UiException.badRequest("path: " + e.getMessage());
    }
    ManifestEntry entry =
        file.orElseThrow(
            () -> UiException.notFound("run '" + id + "' logged no file '" + path + "'"));
    return new UiResponse.Download(
        path.substring(path.lastIndexOf('/') + 1), entry.size(), () -> artifacts.open(entry));
  }

  private Run runOf(Project project, String id) {
    Optional<Run> run = tracking.run(id);
    boolean inProject =
        run.flatMap(r -> tracking.experiment(r.info().experimentId()))
            .filter(e -> e.projectId().equals(project.id()))
            .isPresent();
    if (!inProject) {
      throw UiException.notFound(
          "there is no run '" + id + "' in project '" + project.name() + "'");
    }
    return run.get();
  }

  private static Filters filters(UiCall call, List<Experiment> experiments) {
    Optional<Long> experiment =
        call.query("experiment")
            .map(
                text -> {
                  Optional<Experiment> found =
                      experiments.stream().filter(e -> e.idText().equals(text)).findFirst();
                  return found
                      .orElseThrow(
                          () ->
                              UiException.badRequest(
                                  "this project has no experiment with the id '" + text + "'"))
                      .id();
                });
    Optional<RunStatus> status =
        call.query("status")
            .map(
                text -> {
                  try {
                    return RunStatus.valueOf(text.toUpperCase(Locale.ROOT));
                  } catch (IllegalArgumentException e) {
                    throw UiException.badRequest(
                        "a run status is one of "
                            + List.of(RunStatus.values())
                            + ", not '"
                            + text
                            + "'");
                  }
                });
    Optional<String> order = call.query("order");
    if (order.isPresent() && !order.get().equals("asc") && !order.get().equals("desc")) {
      throw UiException.badRequest("order is 'asc' or 'desc', not '" + order.get() + "'");
    }
    int size = PAGE_SIZE;
    Optional<String> sizeText = call.query("size");
    if (sizeText.isPresent()) {
      try {
        size = Integer.parseInt(sizeText.get());
      } catch (NumberFormatException e) {
        size = -1;
      }
      if (size < 1 || size > MAX_PAGE_SIZE) {
        throw UiException.badRequest(
            "size is a number of runs from 1 to "
                + MAX_PAGE_SIZE
                + ", not '"
                + sizeText.get()
                + "'");
      }
    }
    return new Filters(
        experiment,
        status,
        call.query("filter").orElse("").strip(),
        call.query("sort"),
        order.filter("asc"::equals).isPresent(),
        size);
  }

  /**
   * The columns of a page's runs, at most {@code limit}: {@code first} (when some run has it), then
   * the keys whose values vary between the runs that have them (what tells runs apart), then the
   * keys most runs have, each group by name.
   */
  static List<String> columns(List<Map<String, String>> valuesPerRun, String first, int limit) {
    Map<String, Set<String>> values = new java.util.TreeMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Map<String, String> run : valuesPerRun) {
      run.forEach(
          (k, v) -> {
            values.computeIfAbsent(k, x -> new java.util.HashSet<>()).add(v);
            counts.merge(k, 1, Integer::sum);
          });
    }
    List<String> ordered = new ArrayList<>();
    if (values.containsKey(first)) {
      ordered.add(first);
    }
    values.keySet().stream()
        .filter(k -> !k.equals(first))
        .sorted(
            Comparator.<String>comparingInt(k -> values.get(k).size() > 1 ? 0 : 1)
                .thenComparing(k -> -counts.get(k))
                .thenComparing(Comparator.naturalOrder()))
        .limit(Math.max(0, limit - ordered.size()))
        .forEach(ordered::add);
    return ordered;
  }

  private RunRow row(
      Project project,
      Run run,
      Map<Long, String> experiments,
      List<String> paramColumns,
      List<String> metricColumns) {
    Map<String, Metric> latest = latest(run);
    Duration duration =
        run.info()
            .endTime()
            .map(end -> Duration.ofMillis(end - run.info().startTime()))
            .orElse(null);
    return new RunRow(
        run.info().runId(),
        run.info().runName().isEmpty() ? run.info().runId() : run.info().runName(),
        UiPaths.project(project.name(), "runs", run.info().runId()),
        experiments.getOrDefault(run.info().experimentId(), Formats.NONE),
        run.info().status(),
        Formats.time(java.time.Instant.ofEpochMilli(run.info().startTime())),
        Formats.duration(duration),
        paramColumns.stream().map(k -> run.params().getOrDefault(k, Formats.NONE)).toList(),
        metricColumns.stream()
            .map(k -> latest.containsKey(k) ? number(latest.get(k).value()) : Formats.NONE)
            .toList(),
        dataset(run));
  }

  /** The dataset version a run trained on: Tend's tag, else its inputs' sources. */
  static String dataset(Run run) {
    String tagged = run.tags().get(TrackingRepository.DATASET_TAG);
    if (tagged != null) {
      return tagged;
    }
    List<String> sources =
        run.inputs().stream()
            .map(i -> i.sourceType().equals("tend") ? i.source() : i.name())
            .distinct()
            .toList();
    return sources.isEmpty() ? Formats.NONE : String.join(", ", sources);
  }

  /** The latest point of each metric of a run, by key. */
  private static Map<String, Metric> latest(Run run) {
    Map<String, Metric> latest = new java.util.TreeMap<>();
    run.latestMetrics().forEach(m -> latest.put(m.key(), m));
    return latest;
  }

  private static Map<String, String> latestValues(Run run) {
    Map<String, String> values = new java.util.TreeMap<>();
    run.latestMetrics().forEach(m -> values.put(m.key(), number(m.value())));
    return values;
  }

  private List<Metric> history(String runId, String key) {
    return tracking.metricHistory(runId, key, Optional.empty(), MAX_HISTORY).items();
  }

  /** A run's name in a chart's legend: with the start of its id when another run has its name. */
  static String seriesName(List<RunRow> rows, int index) {
    RunRow row = rows.get(index);
    long same = rows.stream().filter(r -> r.name().equals(row.name())).count();
    return same > 1
        ? row.name() + " (" + row.id().substring(0, Math.min(8, row.id().length())) + ")"
        : row.name();
  }

  static CompareRow compareRow(String key, List<String> values) {
    List<String> shown = values.stream().map(v -> v == null ? Formats.NONE : v).toList();
    return new CompareRow(key, shown, new LinkedHashSet<>(shown).size() > 1);
  }

  /**
   * A line per run of a metric's values by step, MLflow's default view; a metric logged once is a
   * single point.
   */
  static String stepChart(String key, Map<String, List<Metric>> histories) {
    List<Object> series = new ArrayList<>();
    histories.forEach(
        (run, history) -> {
          List<Object> data = new ArrayList<>();
          for (Metric m : history) {
            List<Object> point = new ArrayList<>(2);
            point.add(m.step());
            point.add(Double.isFinite(m.value()) ? m.value() : null);
            data.add(point);
          }
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("type", "line");
          line.put("name", run);
          line.put("showSymbol", history.size() < 60);
          line.put("symbolSize", 7);
          line.put("data", data);
          series.add(line);
        });
    Map<String, Object> option = new LinkedHashMap<>();
    option.put("title", Map.of("text", key, "textStyle", Map.of("fontSize", 13)));
    option.put("tooltip", Map.of("trigger", "axis"));
    option.put("grid", Map.of("left", 60, "right", 30, "top", 60, "bottom", 40));
    option.put("animation", false);
    option.put("legend", Map.of("top", 24, "type", "scroll"));
    option.put("xAxis", Map.of("type", "value", "name", "step", "minInterval", 1));
    option.put("yAxis", Map.of("type", "value", "scale", true));
    option.put("series", series);
    return Charts.json(option);
  }

  private static Link datasetLink(UsedVersion v) {
    return new Link(
        v.datasetName() + " v" + v.versionNumber(),
        UiPaths.project(v.projectName(), "datasets", v.datasetName()));
  }

  static Link versionLink(String project, ModelVersion v) {
    return new Link(
        v.modelName() + " v" + v.version(), UiPaths.project(project, "models", v.modelName()));
  }

  private static String number(double value) {
    if (!Double.isFinite(value)) {
      return Double.toString(value);
    }
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value)
        : Formats.number(value, 4);
  }

  /** {@code text} as a quoted string of MLflow's filter grammar. */
  static String quoted(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** {@code name} in backquotes, as MLflow's grammar names a key with any character. */
  static String backquoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
