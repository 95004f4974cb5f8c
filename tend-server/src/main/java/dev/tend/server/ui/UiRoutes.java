package dev.tend.server.ui;

import static java.util.Objects.requireNonNull;

import dev.tend.access.Action;
import dev.tend.access.Principal;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiSettings;
import dev.tend.store.Page;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where UI pages and forms are declared. Around every handler it: finds the session from its cookie
 * and verifies its token again; sends a browser without one to the sign-in page (unless anonymous
 * reads are on, for pages); checks the caller's role in the {@code {project}} of the path (reading
 * for pages, the declared {@link Action} for forms); checks the CSRF token and the origin of every
 * form; sets the security headers and {@code Server-Timing}; and renders refusals and failures as
 * error pages, never as a stack trace.
 */
public final class UiRoutes {
  static final String SESSION_COOKIE = "tend_session";
  static final String CSRF_FIELD = "_csrf";
  static final String CSRF_HEADER = "X-CSRF-Token";
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'"
          + " data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri"
          + " 'none'; object-src 'none'";
  private static final int MAX_PROJECTS_LISTED = 200;
  private static final Logger LOG = LoggerFactory.getLogger(UiRoutes.class);

  private final RoutesConfig routes;
  private final ApiSettings settings;
  private final Sessions sessions;
  private final Renderer renderer;
  private final ProjectRepository projects;

  UiRoutes(
      RoutesConfig routes,
      ApiSettings settings,
      Sessions sessions,
      Renderer renderer,
      ProjectRepository projects) {
    this.routes = requireNonNull(routes, "routes is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.sessions = requireNonNull(sessions, "sessions is null");
    this.renderer = requireNonNull(renderer, "renderer is null");
    this.projects = requireNonNull(projects, "projects is null");
  }

  /** A page: anyone who may read the path's project (or the server, outside a project). */
  public UiRoutes get(String path, UiHandler handler) {
    routes.addHttpHandler(
        HandlerType.GET, path, ctx -> serve(ctx, path, Optional.empty(), handler));
    return this;
  }

  /**
   * A form or button: a signed-in caller with the CSRF token of its session, allowed {@code action}
   * in the path's project (outside a project: any signed-in caller).
   */
  public UiRoutes post(String path, Action action, UiHandler handler) {
    requireNonNull(action, "action is null");
    routes.addHttpHandler(
        HandlerType.POST, path, ctx -> serve(ctx, path, Optional.of(action), handler));
    return this;
  }

  ProjectRepository projects() {
    return projects;
  }

  ApiSettings settings() {
    return settings;
  }

  Sessions sessions() {
    return sessions;
  }

  /** The projects {@code principal} may read, by name, for the project switcher. */
  List<String> projectNames(Optional<Principal> principal) {
    Page<Project> page =
        principal.isPresent() && !principal.get().globalAdmin()
            ? projects.listReadableBy(principal.get().id(), Optional.empty(), MAX_PROJECTS_LISTED)
            : projects.list(Optional.empty(), MAX_PROJECTS_LISTED);
    List<String> names = new ArrayList<>();
    page.items().forEach(p -> names.add(p.name()));
    return names;
  }

  private void serve(Context ctx, String path, Optional<Action> form, UiHandler handler) {
    long started = System.nanoTime();
    securityHeaders(ctx);
    Optional<Sessions.Session> session = Optional.empty();
    try {
      String cookie = ctx.cookie(SESSION_COOKIE);
      session = sessions.find(cookie);
      Optional<Principal> principal = session.flatMap(s -> settings.tokens().verify(s.token));
      if (session.isPresent() && principal.isEmpty()) {
        sessions.close(session.get().id);
        session = Optional.empty();
      }
      if (form.isPresent()) {
        if (principal.isEmpty()) {
          throw UiException.of(401, "sign in to do this: your session ended or never began");
        }
        checkForm(ctx, session.get());
      } else if (principal.isEmpty() && !settings.anonymousReads()) {
        String next = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        ctx.redirect("/sign-in?next=" + UiPaths.query(next), io.javalin.http.HttpStatus.SEE_OTHER);
        return;
      }
      Action needed = form.orElse(Action.READ);
      if (path.contains("{project}")) {
        String project = ctx.pathParam("project");
        boolean allowed =
            principal.isEmpty()
                ? needed == Action.READ && settings.anonymousReads()
                : settings.authorizer().can(principal.get(), project, needed);
        if (!allowed) {
          throw UiException.forbidden(
              principal.map(p -> "'" + p.name() + "'").orElse("an anonymous reader")
                  + " may not "
                  + needed.name().toLowerCase(Locale.ROOT)
                  + " in project '"
                  + project
                  + "'");
        }
      }
      UiCall call = new UiCall(ctx, principal, session, this);
      respond(ctx, handler.handle(call), session, started);
    } catch (UiException e) {
      error(ctx, e.status(), e.getMessage(), session, started);
    } catch (ApiException e) {
      int status = e.code().status();
      if (status >= 500) {
        LOG.error("UI request {} {} failed", ctx.method(), ctx.path(), e);
        error(
            ctx,
            500,
            "the server failed to answer this page; the error was logged",
            session,
            started);
      } else {
        error(ctx, status, e.getMessage(), session, started);
      }
    } catch (Exception e) {
      LOG.error("UI request {} {} failed", ctx.method(), ctx.path(), e);
      error(
          ctx,
          500,
          "the server failed to answer this page; the error was logged",
          session,
          started);
    }
  }

  private void checkForm(Context ctx, Sessions.Session session) {
    String origin = ctx.header("Origin");
    if (origin != null && !origin.equals("null") && !sameOrigin(origin, ctx.host())) {
      throw UiException.forbidden("this form was sent from another site (" + origin + ")");
    }
    if ("cross-site".equals(ctx.header("Sec-Fetch-Site"))) {
      throw UiException.forbidden("this form was sent from another site");
    }
    String sent = ctx.formParam(CSRF_FIELD);
    if (sent == null) {
      sent = ctx.header(CSRF_HEADER);
    }
    if (sent == null
        || !MessageDigest.isEqual(
            sent.getBytes(StandardCharsets.UTF_8), session.csrf.getBytes(StandardCharsets.UTF_8))) {
      throw UiException.forbidden(
          "this form's security token is missing or stale; reload the page and try again");
    }
  }

  private static boolean sameOrigin(String origin, String host) {
    try {
      URI uri = URI.create(origin);
      String authority = uri.getRawAuthority();
      return authority != null && authority.equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void respond(
      Context ctx, UiResponse response, Optional<Sessions.Session> session, long started) {
    switch (response) {
      case UiResponse.Page page -> {
        String html =
            renderer.render(
                page.template(), Map.of("chrome", page.chrome(), "model", page.model()));
        timing(ctx, started);
        ctx.html(html);
      }
      case UiResponse.Redirect redirect -> {
        redirect.flash().ifPresent(message -> session.ifPresent(s -> s.flash = message));
        timing(ctx, started);
        ctx.redirect(redirect.location(), io.javalin.http.HttpStatus.SEE_OTHER);
      }
      case UiResponse.Download download -> {
        ctx.header(
            "Content-Disposition",
            "attachment; filename*=UTF-8''"
                + URLEncoder.encode(download.fileName(), StandardCharsets.UTF_8)
                    .replace("+", "%20"));
        ctx.header("Content-Length", Long.toString(download.size()));
        ctx.contentType("application/octet-stream");
        timing(ctx, started);
        ctx.result(download.content().get());
      }
    }
  }

  /** Answers a browser's request for a page that does not exist with the 404 page. */
  void notFound(Context ctx) {
    long started = System.nanoTime();
    securityHeaders(ctx);
    Optional<Sessions.Session> session = sessions.find(ctx.cookie(SESSION_COOKIE));
    error(ctx, 404, "there is no page at " + ctx.path(), session, started);
  }

  /** Renders an error page; falls back to plain text if even that fails. */
  void error(
      Context ctx, int status, String message, Optional<Sessions.Session> session, long started) {
    ctx.status(status);
    try {
      Optional<Principal> principal = session.flatMap(s -> settings.tokens().verify(s.token));
      Chrome chrome =
          new Chrome(
              "Error " + status,
              Optional.empty(),
              Optional.empty(),
              principal.map(Principal::name),
              session.map(s -> s.csrf).orElse(""),
              principal.isPresent() || settings.anonymousReads()
                  ? projectNames(principal)
                  : List.of(),
              Optional.empty());
      String html =
          renderer.render(
              "error.jte", Map.of("chrome", chrome, "model", new ErrorPage(status, message)));
      timing(ctx, started);
      ctx.html(html);
    } catch (RuntimeException e) {
      LOG.error("could not render the error page for {} {}", ctx.method(), ctx.path(), e);
      ctx.contentType("text/plain; charset=utf-8").result("Error " + status + ": " + message);
    }
  }

  static void securityHeaders(Context ctx) {
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("Cache-Control", "no-store");
  }

  static void timing(Context ctx, long started) {
    double millis = (System.nanoTime() - started) / 1e6;
    ctx.header("Server-Timing", String.format(Locale.ROOT, "app;dur=%.1f", millis));
  }

  /** The model of {@code error.jte}. */
  public record ErrorPage(int status, String message) {
    public ErrorPage {
      requireNonNull(message, "message is null");
    }
  }
}
