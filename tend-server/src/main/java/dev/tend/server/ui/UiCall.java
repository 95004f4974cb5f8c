package dev.tend.server.ui;

import static java.util.Objects.requireNonNull;

import dev.tend.access.Action;
import dev.tend.access.Principal;
import dev.tend.projects.Project;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * One request to a UI page or form: its parameters, who makes it, and the frame ({@link Chrome})
 * its page is drawn in. Handlers read what they need and answer a {@link UiResponse}.
 */
public final class UiCall {
  private final Context ctx;
  private final Optional<Principal> principal;
  private final Optional<Sessions.Session> session;
  private final UiRoutes routes;

  UiCall(
      Context ctx,
      Optional<Principal> principal,
      Optional<Sessions.Session> session,
      UiRoutes routes) {
    this.ctx = ctx;
    this.principal = principal;
    this.session = session;
    this.routes = routes;
  }

  /** The underlying Javalin request, for what this class does not cover. */
  public Context context() {
    return ctx;
  }

  /** The signed-in principal; empty for an anonymous reader ({@code auth.anonymous-reads}). */
  public Optional<Principal> principal() {
    return principal;
  }

  /** Who did it, for audit records: the principal's id, or {@code anonymous}. */
  public String actor() {
    return principal.map(Principal::id).orElse("anonymous");
  }

  /** The path parameter {@code name}, decoded. */
  public String path(String name) {
    return ctx.pathParam(name);
  }

  /** The query parameter {@code name}, when given and not blank. */
  public Optional<String> query(String name) {
    return Optional.ofNullable(ctx.queryParam(name)).filter(v -> !v.isBlank());
  }

  /** The form field {@code name}; a 400 page when it is missing or blank. */
  public String form(String name) {
    return formOptional(name)
        .orElseThrow(() -> UiException.badRequest("the form field '" + name + "' is required"));
  }

  /** The form field {@code name}, when given and not blank. */
  public Optional<String> formOptional(String name) {
    return Optional.ofNullable(ctx.formParam(name)).filter(v -> !v.isBlank());
  }

  /**
   * The project named by the {@code {project}} path parameter; a 404 page when there is none. The
   * caller's right to read it was checked before the handler ran.
   */
  public Project project() {
    String name = path("project");
    return routes
        .projects()
        .findByName(name)
        .orElseThrow(() -> UiException.notFound("there is no project '" + name + "'"));
  }

  /** Whether the caller may do {@code action} in {@code project} (to show or hide a button). */
  public boolean can(String project, Action action) {
    return principal.isPresent()
        && routes.settings().authorizer().can(principal.get(), project, action);
  }

  /** The frame of a page inside the {@code {project}} of the path, in {@code section}. */
  public Chrome chrome(String title, Section section) {
    return chrome(title, Optional.of(path("project")), Optional.of(section));
  }

  /** The frame of a page outside any project. */
  public Chrome chrome(String title) {
    return chrome(title, Optional.empty(), Optional.empty());
  }

  private Chrome chrome(String title, Optional<String> project, Optional<Section> section) {
    requireNonNull(title, "title is null");
    return new Chrome(
        title,
        project,
        section,
        principal.map(Principal::name),
        session.map(s -> s.csrf).orElse(""),
        routes.projectNames(principal),
        session.flatMap(Sessions.Session::takeFlash));
  }
}
