package dev.tend.server.projects;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.access.Principal;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.server.ApiModule;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiCall;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.FieldError;
import dev.tend.server.http.Page;
import dev.tend.server.http.PageRequest;
import dev.tend.server.openapi.OpenApiDocument;
import dev.tend.store.Names;
import java.util.Optional;

/**
 * Projects over HTTP: global admins create them, callers list the projects they may read, and read
 * one they have a role in. Thread-safe.
 */
public final class ProjectsApi implements ApiModule {
  private final ProjectRepository projects;

  public ProjectsApi(ProjectRepository projects) {
    this.projects = requireNonNull(projects, "projects is null");
  }

  /** The body of {@code POST /projects}. */
  record NewProject(String name, Optional<String> description) {
    NewProject {
      requireNonNull(name, "name is required");
      description = description == null ? Optional.empty() : description;
    }
  }

  @Override
  public void routes(ApiRoutes routes) {
    routes.post("/projects", Access.ADMIN, this::create);
    routes.get("/projects", Access.READ, this::list);
    routes.get("/projects/{project}", Access.READ, this::get);
  }

  private void create(ApiCall call) {
    NewProject request = call.body(NewProject.class);
    if (projects.findByName(request.name()).isPresent()) {
      throw new ApiException.Conflict("a project named '" + request.name() + "' already exists");
    }
    String actor = call.principal().map(Principal::name).orElseThrow();
    Project project = projects.create(request.name(), request.description().orElse(""), actor);
    call.context().header("Location", ApiRoutes.PREFIX + "/projects/" + project.name());
    call.json(201, project);
  }

  private void list(ApiCall call) {
    PageRequest request = call.pageRequest();
    Optional<Principal> caller = call.principal();
    dev.tend.store.Page<Project> page =
        caller.isPresent() && !caller.get().globalAdmin()
            ? projects.listReadableBy(caller.get().id(), request.after(), request.limit())
            : projects.list(request.after(), request.limit());
    call.page(new Page<>(page.items(), page.nextCursor()));
  }

  private void get(ApiCall call) {
    String name = call.pathParam("project");
    try {
      Names.requireValid("project", name);
    } catch (IllegalArgumentException e) {
      throw new ApiException.ValidationFailed(FieldError.path("project", e.getMessage()));
    }
    Project project =
        projects
            .findByName(name)
            .orElseThrow(() -> new ApiException.NotFound("no project named '" + name + "'"));
    call.json(200, project);
  }

  @Override
  public JsonNode openApi(ObjectMapper mapper) {
    return OpenApiDocument.load(mapper, ProjectsApi.class, "projects-openapi.json");
  }
}
