package dev.tend.server.ui;

import static java.util.Objects.requireNonNull;

import dev.tend.access.Principal;
import dev.tend.projects.ProjectRepository;
import dev.tend.server.WebModule;
import dev.tend.server.http.ApiSettings;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The web UI module: the sign-in and sign-out forms, and the pages of each {@link UiArea}. A
 * browser signs in by pasting an API token; the server keeps the token in a session and gives the
 * browser only an opaque, HTTP-only, same-site cookie. The sign-in form itself is protected from
 * cross-site posting by a double-submit cookie.
 */
public final class WebUi implements WebModule {
  static final String SIGN_IN = "/sign-in";
  static final String SIGN_OUT = "/sign-out";
  static final String SIGN_IN_COOKIE = "tend_sign_in";
  static final String TOKEN_FIELD = "token";

  private final ProjectRepository projects;
  private final List<UiArea> areas;
  private final Sessions sessions;
  private final Renderer renderer = new Renderer();
  private volatile UiRoutes routes;

  public WebUi(ProjectRepository projects, List<? extends UiArea> areas, Clock clock) {
    this.projects = requireNonNull(projects, "projects is null");
    this.areas = List.copyOf(requireNonNull(areas, "areas is null"));
    this.sessions = new Sessions(requireNonNull(clock, "clock is null"));
  }

  @Override
  public void routes(RoutesConfig config, ApiSettings settings) {
    UiRoutes routes = new UiRoutes(config, settings, sessions, renderer, projects);
    this.routes = routes;
    config.addHttpHandler(HandlerType.GET, SIGN_IN, ctx -> signInPage(ctx, Optional.empty(), 200));
    config.addHttpHandler(HandlerType.POST, SIGN_IN, ctx -> signIn(ctx, settings));
    config.addHttpHandler(HandlerType.POST, SIGN_OUT, this::signOut);
    for (UiArea area : areas) {
      area.routes(routes);
    }
  }

  /**
   * A page the UI does not have, asked for by a browser (a GET or HEAD that accepts HTML, outside
   * {@code /api/} and the static folders), is answered with the UI's 404 page.
   */
  @Override
  public boolean answerNotFound(Context ctx) {
    UiRoutes answering = routes;
    String path = ctx.path();
    String accept = ctx.header("Accept");
    boolean page =
        (ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD)
            && accept != null
            && accept.contains("text/html")
            && !path.startsWith("/api/")
            && !path.startsWith(STATIC_PATH + "/")
            && !path.startsWith("/webjars/");
    if (answering == null || !page) {
      return false;
    }
    answering.notFound(ctx);
    return true;
  }

  private void signInPage(Context ctx, Optional<String> error, int status) {
    long started = System.nanoTime();
    UiRoutes.securityHeaders(ctx);
    String nonce = Sessions.random();
    setCookie(ctx, SIGN_IN_COOKIE, nonce, SIGN_IN, -1);
    String next = Optional.ofNullable(ctx.queryParam("next")).orElse(ctx.formParam("next"));
    Chrome chrome =
        new Chrome(
            "Sign in",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            "",
            List.of(),
            Optional.empty());
    String html =
        renderer.render(
            "sign-in.jte",
            Map.of(
                "chrome",
                chrome,
                "model",
                new SignInPage(next != null && UiPaths.isLocal(next) ? next : "/", nonce, error)));
    ctx.status(status);
    UiRoutes.timing(ctx, started);
    ctx.html(html);
  }

  private void signIn(Context ctx, ApiSettings settings) {
    String nonce = ctx.cookie(SIGN_IN_COOKIE);
    String sent = ctx.formParam(UiRoutes.CSRF_FIELD);
    if (nonce == null
        || sent == null
        || !MessageDigest.isEqual(
            nonce.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8))) {
      signInPage(
          ctx, Optional.of("the sign-in form expired or came from another site; try again"), 403);
      return;
    }
    String token = Optional.ofNullable(ctx.formParam(TOKEN_FIELD)).orElse("").trim();
    Optional<Principal> principal =
        token.isEmpty() ? Optional.empty() : settings.tokens().verify(token);
    if (principal.isEmpty()) {
      signInPage(
          ctx,
          Optional.of(
              token.isEmpty()
                  ? "paste an API token to sign in"
                  : "that token is not valid (unknown, revoked or expired)"),
          401);
      return;
    }
    Sessions.Session session = sessions.open(token);
    setCookie(ctx, UiRoutes.SESSION_COOKIE, session.id, "/", -1);
    setCookie(ctx, SIGN_IN_COOKIE, "", SIGN_IN, 0);
    String next = ctx.formParam("next");
    ctx.redirect(next != null && UiPaths.isLocal(next) ? next : "/", HttpStatus.SEE_OTHER);
  }

  private void signOut(Context ctx) {
    UiRoutes.securityHeaders(ctx);
    Optional<Sessions.Session> session = sessions.find(ctx.cookie(UiRoutes.SESSION_COOKIE));
    String sent = ctx.formParam(UiRoutes.CSRF_FIELD);
    if (session.isPresent()
        && (sent == null
            || !MessageDigest.isEqual(
                sent.getBytes(StandardCharsets.UTF_8),
                session.get().csrf.getBytes(StandardCharsets.UTF_8)))) {
      ctx.status(403).contentType("text/plain; charset=utf-8").result("stale sign-out form");
      return;
    }
    session.ifPresent(s -> sessions.close(s.id));
    setCookie(ctx, UiRoutes.SESSION_COOKIE, "", "/", 0);
    ctx.redirect(SIGN_IN, HttpStatus.SEE_OTHER);
  }

  private static void setCookie(Context ctx, String name, String value, String path, int maxAge) {
    boolean secure =
        "https".equalsIgnoreCase(ctx.scheme())
            || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    ctx.res()
        .addHeader(
            "Set-Cookie",
            name
                + "="
                + value
                + "; Path="
                + path
                + (maxAge >= 0 ? "; Max-Age=" + maxAge : "")
                + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : ""));
  }

  /** The model of {@code sign-in.jte}. */
  public record SignInPage(String next, String nonce, Optional<String> error) {
    public SignInPage {
      requireNonNull(next, "next is null");
      requireNonNull(nonce, "nonce is null");
      requireNonNull(error, "error is null");
    }
  }
}
