package dev.tend.server.ui.models;

import static java.util.Objects.requireNonNull;

import dev.tend.datasets.DatasetRepository;
import dev.tend.deployments.Candidate;
import dev.tend.deployments.Deployment;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.projects.Project;
import dev.tend.registry.ModelSearch;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.ui.Formats;
import dev.tend.server.ui.Section;
import dev.tend.server.ui.UiArea;
import dev.tend.server.ui.UiCall;
import dev.tend.server.ui.UiException;
import dev.tend.server.ui.UiPaths;
import dev.tend.server.ui.UiResponse;
import dev.tend.server.ui.UiRoutes;
import dev.tend.store.Page;
import dev.tend.tracking.TrackingRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registered models of a project with their newest versions and aliases, and each model's
 * versions with their lineage: the dataset versions the version was trained on, the run that
 * trained it, and the deployments serving it (stable or candidate). Reads only; every listing is
 * bounded. Thread-safe.
 */
public final class ModelPages implements UiArea {
  /** Models a page of the list shows. */
  static final int PAGE_SIZE = 50;

  /** Versions a model's page shows, newest first. */
  static final int MAX_VERSIONS = 100;

  private final RegistryRepository registry;
  private final TrackingRepository tracking;
  private final DatasetRepository datasets;
  private final DeploymentRepository deployments;

  public ModelPages(
      RegistryRepository registry,
      TrackingRepository tracking,
      DatasetRepository datasets,
      DeploymentRepository deployments) {
    this.registry = requireNonNull(registry, "registry is null");
    this.tracking = requireNonNull(tracking, "tracking is null");
    this.datasets = requireNonNull(datasets, "datasets is null");
    this.deployments = requireNonNull(deployments, "deployments is null");
  }

  /** A link with its text. */
  public record Link(String text, String href) {
    public Link {
      requireNonNull(text, "text is null");
      requireNonNull(href, "href is null");
    }
  }

  /** One model in the list. */
  public record ModelRow(
      String name,
      String link,
      String description,
      Optional<Link> latest,
      String latestCreated,
      List<String> aliases,
      String updated) {
    public ModelRow {
      requireNonNull(name, "name is null");
      requireNonNull(link, "link is null");
      requireNonNull(description, "description is null");
      requireNonNull(latest, "latest is null");
      requireNonNull(latestCreated, "latestCreated is null");
      aliases = List.copyOf(aliases);
      requireNonNull(updated, "updated is null");
    }
  }

  /** The model of {@code models/list.jte}. */
  public record ModelsPage(String project, List<ModelRow> models, Optional<String> more) {
    public ModelsPage {
      requireNonNull(project, "project is null");
      models = List.copyOf(models);
      requireNonNull(more, "more is null");
    }
  }

  /** A deployment serving a version: its name, and its share when the version is a candidate. */
  public record Serving(String deployment, String environment, String role) {
    public Serving {
      requireNonNull(deployment, "deployment is null");
      requireNonNull(environment, "environment is null");
      requireNonNull(role, "role is null");
    }
  }

  /** One version of a model with its lineage. */
  public record VersionRow(
      int number,
      String anchor,
      String status,
      String stage,
      String created,
      String user,
      List<String> aliases,
      List<Link> datasets,
      Optional<Link> run,
      List<Serving> deployments,
      List<String> metrics) {
    public VersionRow {
      requireNonNull(anchor, "anchor is null");
      requireNonNull(status, "status is null");
      requireNonNull(stage, "stage is null");
      requireNonNull(created, "created is null");
      requireNonNull(user, "user is null");
      aliases = List.copyOf(aliases);
      datasets = List.copyOf(datasets);
      requireNonNull(run, "run is null");
      deployments = List.copyOf(deployments);
      metrics = List.copyOf(metrics);
    }
  }

  /** The model of {@code models/model.jte}. */
  public record ModelPage(
      String project,
      String name,
      String description,
      List<String> aliases,
      List<VersionRow> versions,
      boolean moreVersions) {
    public ModelPage {
      requireNonNull(project, "project is null");
      requireNonNull(name, "name is null");
      requireNonNull(description, "description is null");
      aliases = List.copyOf(aliases);
      versions = List.copyOf(versions);
    }
  }

  @Override
  public void routes(UiRoutes routes) {
    routes.get("/projects/{project}/models", this::list);
    routes.get("/projects/{project}/models/{model}", this::model);
  }

  private UiResponse list(UiCall call) {
    Project project = call.project();
    Page<RegisteredModel> page;
    try {
      page =
          registry.searchModels(
              new ModelSearch(
                  "",
                  PAGE_SIZE,
                  List.of(),
                  call.query("page"),
                  Optional.empty(),
                  Optional.of(project.id())));
    } catch (IllegalArgumentException e) {
      throw UiException.badRequest(e.getMessage());
    }
    List<ModelRow> rows = new ArrayList<>();
    for (RegisteredModel model : page.items()) {
      Optional<ModelVersion> latest =
          registry.latestVersions(model.id(), List.of()).stream()
              .max(Comparator.comparingInt(ModelVersion::version));
      String link = UiPaths.project(project.name(), "models", model.name());
      rows.add(
          new ModelRow(
              model.name(),
              link,
              model.description().orElse(""),
              latest.map(v -> new Link("v" + v.version(), link + "#v" + v.version())),
              latest.map(v -> Formats.time(Instant.ofEpochMilli(v.creationTime()))).orElse(""),
              aliases(model),
              Formats.time(Instant.ofEpochMilli(model.lastUpdatedTime()))));
    }
    Optional<String> more =
        page.nextCursor()
            .map(t -> UiPaths.project(project.name(), "models") + "?page=" + UiPaths.query(t));
    return UiResponse.page(
        "models/list.jte",
        call.chrome("Models", Section.MODELS),
        new ModelsPage(project.name(), rows, more));
  }

  private UiResponse model(UiCall call) {
    Project project = call.project();
    String name = call.path("model");
    RegisteredModel model =
        registry
            .model(project.id(), name)
            .orElseThrow(
                () ->
                    UiException.notFound(
                        "there is no model '" + name + "' in project '" + project.name() + "'"));
    Page<ModelVersion> page =
        registry.searchVersions(
            new ModelSearch(
                "name = '" + name.replace("'", "''") + "'",
                MAX_VERSIONS,
                List.of("version_number DESC"),
                Optional.empty(),
                Optional.empty(),
                Optional.of(project.id())));
    Map<String, List<Serving>> serving = serving(deployments.list(project.id()));
    List<VersionRow> versions = new ArrayList<>();
    for (ModelVersion v : page.items()) {
      List<Link> used =
          datasets.usedBy(RegistryRepository.USAGE_KIND, v.id()).stream()
              .filter(u -> u.projectId().equals(project.id()))
              .map(
                  u ->
                      new Link(
                          u.datasetName() + " v" + u.versionNumber(),
                          UiPaths.project(u.projectName(), "datasets", u.datasetName())))
              .toList();
      Optional<Link> run =
          v.runId()
              .map(
                  id ->
                      new Link(
                          tracking
                              .runInfo(id)
                              .map(i -> i.runName().isEmpty() ? id : i.runName())
                              .orElse(id),
                          UiPaths.project(project.name(), "runs", id)));
      versions.add(
          new VersionRow(
              v.version(),
              "v" + v.version(),
              v.status().name(),
              v.stage().label(),
              Formats.time(Instant.ofEpochMilli(v.creationTime())),
              v.userId().orElse(Formats.NONE),
              v.aliases(),
              used,
              run,
              serving.getOrDefault(v.id(), List.of()),
              v.metrics().entrySet().stream()
                  .limit(6)
                  .map(e -> e.getKey() + " " + Formats.number(e.getValue(), 4))
                  .toList()));
    }
    return UiResponse.page(
        "models/model.jte",
        call.chrome("Model " + model.name(), Section.MODELS),
        new ModelPage(
            project.name(),
            model.name(),
            model.description().orElse(""),
            aliases(model),
            versions,
            page.nextCursor().isPresent()));
  }

  /** Which deployments serve each version (by version id): stable, or candidate with its share. */
  static Map<String, List<Serving>> serving(List<Deployment> deployments) {
    Map<String, List<Serving>> serving = new LinkedHashMap<>();
    for (Deployment d : deployments) {
      String environment = d.environment().wireName();
      serving
          .computeIfAbsent(d.current().traffic().stableVersionId(), k -> new ArrayList<>())
          .add(new Serving(d.name(), environment, "stable"));
      Optional<Candidate> candidate = d.current().traffic().candidate();
      candidate.ifPresent(
          c ->
              serving
                  .computeIfAbsent(c.versionId(), k -> new ArrayList<>())
                  .add(new Serving(d.name(), environment, "candidate " + c.percent() + "%")));
    }
    return serving;
  }

  private static List<String> aliases(RegisteredModel model) {
    return model.aliases().entrySet().stream()
        .map(e -> e.getKey() + " → v" + e.getValue())
        .toList();
  }
}
