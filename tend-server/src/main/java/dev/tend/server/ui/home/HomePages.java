package dev.tend.server.ui.home;

import static java.util.Objects.requireNonNull;

import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.server.ui.Section;
import dev.tend.server.ui.UiArea;
import dev.tend.server.ui.UiResponse;
import dev.tend.server.ui.UiRoutes;
import java.util.List;
import java.util.Optional;

/**
 * The UI's start page (the projects the caller may read, each with its health at a glance) and each
 * project's overview (its health in detail, with links into each section).
 */
public final class HomePages implements UiArea {
  private static final int MAX_PROJECTS = 200;

  private final ProjectRepository projects;
  private final HealthReader health;

  public HomePages(ProjectRepository projects, HealthReader health) {
    this.projects = requireNonNull(projects, "projects is null");
    this.health = requireNonNull(health, "health is null");
  }

  /** The model of {@code home/projects.jte}. */
  public record ProjectsPage(List<ProjectHealth> projects) {
    public ProjectsPage {
      projects = List.copyOf(requireNonNull(projects, "projects is null"));
    }
  }

  /** The model of {@code home/project.jte}. */
  public record ProjectPage(ProjectHealth health) {
    public ProjectPage {
      requireNonNull(health, "health is null");
    }

    public Project project() {
      return health.project();
    }
  }

  @Override
  public void routes(UiRoutes routes) {
    routes.get(
        "/",
        call -> {
          List<Project> readable =
              call.principal().isPresent() && !call.principal().get().globalAdmin()
                  ? projects
                      .listReadableBy(call.principal().get().id(), Optional.empty(), MAX_PROJECTS)
                      .items()
                  : projects.list(Optional.empty(), MAX_PROJECTS).items();
          return UiResponse.page(
              "home/projects.jte",
              call.chrome("Projects"),
              new ProjectsPage(health.read(readable)));
        });
    routes.get(
        "/projects/{project}",
        call -> {
          Project project = call.project();
          return UiResponse.page(
              "home/project.jte",
              call.chrome(project.name(), Section.OVERVIEW),
              new ProjectPage(health.read(List.of(project)).getFirst()));
        });
  }
}
