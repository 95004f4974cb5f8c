package dev.tend.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.access.Action;
import dev.tend.access.IssuedToken;
import dev.tend.access.Role;
import dev.tend.projects.Project;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.ui.home.HealthReader;
import dev.tend.server.ui.home.HomePages;
import dev.tend.store.Engine;
import dev.tend.store.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI's frame over real HTTP: sign-in into a session cookie, the CSRF and origin checks on
 * forms, role checks, escaping, error pages and the security headers. The pages themselves are
 * tested in Chromium (tend-cli's {@code dev.tend.cli.ui}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiHttpTest {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  @TempDir static Path dataDir;
  TestDatabase db;
  StoreServices store;
  TendServer server;
  HttpClient http;
  String admin;
  String viewer;
  final AtomicInteger pokes = new AtomicInteger();

  @BeforeAll
  void start() {
    db = TestDatabase.create(Engine.SQLITE);
    TendConfig config =
        new TendConfig(
            0,
            TendConfig.DEFAULT_BIND,
            TendConfig.DEFAULT_MAX_REQUEST_BODY,
            Duration.ofSeconds(1),
            dataDir,
            db.url(),
            dataDir.resolve("artifacts"),
            false);
    store = StoreServices.open(config);
    IssuedToken bootstrap = store.access().ensureBootstrapAdmin(Optional.empty()).orElseThrow();
    admin = bootstrap.plainText();
    String adminId = bootstrap.principal().id();
    Project zoo = store.projects().create("zoo", "<script>alert('owned')</script>", adminId);
    var reader = store.access().createPrincipal("reader", false, adminId);
    viewer = store.access().createToken(reader.id(), "ui test", adminId).plainText();
    store.access().grant(zoo.id(), reader.id(), Role.VIEWER, adminId);
    UiArea poke =
        routes ->
            routes
                .post(
                    "/projects/{project}/poke",
                    Action.MAINTAIN,
                    call -> {
                      String what = call.form("what");
                      pokes.incrementAndGet();
                      return UiResponse.redirect(
                          UiPaths.project(call.project().name()), "poked <b>" + what);
                    })
                .get(
                    "/projects/{project}/broken",
                    call -> {
                      throw new IllegalStateException("secret internal detail");
                    });
    WebUi ui =
        new WebUi(
            store.projects(),
            List.of(
                new HomePages(store.projects(), HealthReader.of(store, Clock.systemUTC())), poke),
            Clock.systemUTC());
    server = TendServer.start(config, store.services(), List.of(), List.of(ui));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  void stop() {
    http.close();
    server.close();
    store.close();
    db.close();
  }

  @Test
  void aBrowserWithoutSessionIsSentToSignInAndBackAfterwards() throws Exception {
    HttpResponse<String> page = get("/projects/zoo?tab=1", null);
    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("Location"))
        .hasValue("/sign-in?next=" + UiPaths.query("/projects/zoo?tab=1"));

    Browser browser = new Browser();
    HttpResponse<String> signedIn = browser.signIn(admin, "/projects/zoo?tab=1");
    assertThat(signedIn.statusCode()).isEqualTo(303);
    assertThat(signedIn.headers().firstValue("Location")).hasValue("/projects/zoo?tab=1");
    String cookie =
        signedIn.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("tend_session="))
            .findFirst()
            .orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/");
    assertThat(cookie).doesNotContain(admin);
    assertThat(browser.get("/projects/zoo").statusCode()).isEqualTo(200);
  }

  @Test
  void aWrongTokenOrAForeignFormDoesNotSignIn() throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> wrong = browser.signIn("tend_" + "x".repeat(40), "/");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("that token is not valid");
    assertThat(wrong.headers().allValues("Set-Cookie"))
        .noneMatch(c -> c.startsWith("tend_session"));

    HttpResponse<String> foreign =
        post("/sign-in", null, "token=" + admin + "&_csrf=guessed&next=%2F");
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.headers().allValues("Set-Cookie"))
        .noneMatch(c -> c.startsWith("tend_session"));
  }

  @Test
  void signInNeverRedirectsOffTheServer() throws Exception {
    for (String next : List.of("//evil.example/x", "https://evil.example/", "/\\evil.example")) {
      HttpResponse<String> signedIn = new Browser().signIn(admin, next);
      assertThat(signedIn.headers().firstValue("Location")).as(next).hasValue("/");
    }
  }

  @Test
  void userTextIsEscapedAndPagesCarryTheSecurityHeaders() throws Exception {
    Browser browser = new Browser();
    browser.signIn(admin, "/");
    HttpResponse<String> home = browser.get("/");
    assertThat(home.statusCode()).isEqualTo(200);
    assertThat(home.body()).contains("&lt;script&gt;alert('owned')&lt;/script&gt;");
    assertThat(home.body()).doesNotContain("<script>alert");
    assertThat(home.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self'")
        .contains("frame-ancestors 'none'");
    assertThat(home.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(home.headers().firstValue("Server-Timing").orElseThrow())
        .matches("app;dur=\\d+\\.\\d");
  }

  @Test
  void formsNeedTheSessionsCsrfTokenASameOriginAndTheRole() throws Exception {
    Browser maintainer = new Browser();
    maintainer.signIn(admin, "/");
    String csrf = maintainer.csrf("/projects/zoo");
    int before = pokes.get();

    HttpResponse<String> missing = maintainer.post("/projects/zoo/poke", "what=1");
    assertThat(missing.statusCode()).isEqualTo(403);
    assertThat(missing.body()).contains("security token is missing or stale");
    HttpResponse<String> stale =
        maintainer.post("/projects/zoo/poke", "what=1&_csrf=" + csrf + "x");
    assertThat(stale.statusCode()).isEqualTo(403);
    HttpResponse<String> foreign =
        maintainer.post(
            "/projects/zoo/poke", "what=1&_csrf=" + csrf, "Origin", "http://evil.example");
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.body()).contains("from another site");
    HttpResponse<String> blank = maintainer.post("/projects/zoo/poke", "what=&_csrf=" + csrf);
    assertThat(blank.statusCode()).isEqualTo(400);
    assertThat(pokes.get()).isEqualTo(before);

    HttpResponse<String> done =
        maintainer.post(
            "/projects/zoo/poke",
            "what=x&_csrf=" + csrf,
            "Origin",
            "http://127.0.0.1:" + server.port());
    assertThat(done.statusCode()).isEqualTo(303);
    assertThat(pokes.get()).isEqualTo(before + 1);
    String next = maintainer.get("/projects/zoo").body();
    assertThat(next).contains("poked &lt;b&gt;x");
    assertThat(maintainer.get("/projects/zoo").body()).doesNotContain("poked");

    Browser reader = new Browser();
    reader.signIn(viewer, "/");
    String readerCsrf = reader.csrf("/projects/zoo");
    HttpResponse<String> refused = reader.post("/projects/zoo/poke", "what=1&_csrf=" + readerCsrf);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("'reader' may not maintain in project 'zoo'");
    assertThat(pokes.get()).isEqualTo(before + 1);

    HttpResponse<String> anonymous = post("/projects/zoo/poke", null, "what=1&_csrf=" + csrf);
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void signingOutEndsTheSessionAndNeedsItsToken() throws Exception {
    Browser browser = new Browser();
    browser.signIn(admin, "/");
    String csrf = browser.csrf("/");
    assertThat(browser.post("/sign-out", "_csrf=wrong").statusCode()).isEqualTo(403);
    assertThat(browser.get("/").statusCode()).isEqualTo(200);
    assertThat(browser.post("/sign-out", "_csrf=" + csrf).statusCode()).isEqualTo(303);
    assertThat(browser.get("/").statusCode()).isEqualTo(303);
  }

  @Test
  void revokingTheTokenEndsItsSessions() throws Exception {
    var principal = store.access().findPrincipal("reader").orElseThrow();
    IssuedToken token = store.access().createToken(principal.id(), "revoked soon", "test");
    Browser browser = new Browser();
    browser.signIn(token.plainText(), "/");
    assertThat(browser.get("/projects/zoo").statusCode()).isEqualTo(200);
    store.access().revokeToken(token.tokenId(), "test");
    assertThat(browser.get("/projects/zoo").statusCode()).isEqualTo(303);
  }

  @Test
  void refusalsAndFailuresArePagesWithoutInternals() throws Exception {
    Browser browser = new Browser();
    browser.signIn(admin, "/");
    HttpResponse<String> unknown = browser.get("/projects/nope");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(unknown.body()).contains("there is no project 'nope'");

    HttpResponse<String> broken = browser.get("/projects/zoo/broken");
    assertThat(broken.statusCode()).isEqualTo(500);
    assertThat(broken.body())
        .contains("the error was logged")
        .doesNotContain("secret internal detail")
        .doesNotContain("IllegalStateException");

    Browser reader = new Browser();
    reader.signIn(viewer, "/");
    store.projects().create("hidden", "", "test");
    assertThat(reader.get("/projects/hidden").statusCode()).isEqualTo(403);
  }

  @Test
  void aBrowserAskingForAnUnknownPageGetsThePageAndAnApiClientTheProblem() throws Exception {
    Browser browser = new Browser();
    browser.signIn(admin, "/");
    String html = "text/html,application/xhtml+xml,*/*;q=0.8";

    HttpResponse<String> page = browser.get("/no-such-page", "Accept", html);
    assertThat(page.statusCode()).isEqualTo(404);
    assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(page.body()).contains("there is no page at /no-such-page", "zoo");
    assertThat(get("/projects/zoo/no-such-section", null).statusCode()).isEqualTo(404);
    assertThat(browser.get("/projects/zoo/no-such-section", "Accept", html).body())
        .contains("there is no page at /projects/zoo/no-such-section");

    for (String path : List.of("/api/v1/no-such-route", "/static/none.js", "/no-such-page")) {
      HttpResponse<String> problem =
          browser.get(path, "Accept", path.equals("/no-such-page") ? "application/json" : html);
      assertThat(problem.statusCode()).as(path).isEqualTo(404);
      assertThat(problem.headers().firstValue("Content-Type").orElseThrow())
          .as(path)
          .startsWith("application/problem+json");
    }
  }

  @Test
  void theScriptsAndTheChartingLibraryAreServed() throws Exception {
    HttpResponse<String> script = get("/static/tend.js", null);
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
    assertThat(script.body()).contains("data-chart");
    HttpResponse<String> echarts = get(Chrome.ECHARTS, null);
    assertThat(echarts.statusCode()).isEqualTo(200);
    assertThat(echarts.body().length()).isGreaterThan(500_000);
  }

  private HttpResponse<String> get(String path, String cookie, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String cookie, String form, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return server.uri().resolve(path);
  }

  /** A cookie jar of one browser: its sign-in nonce and session. */
  private final class Browser {
    private String cookies = "";

    HttpResponse<String> signIn(String token, String next) throws Exception {
      HttpResponse<String> form = WebUiHttpTest.this.get("/sign-in", null);
      remember(form);
      String nonce = csrfOf(form.body());
      HttpResponse<String> answer =
          WebUiHttpTest.this.post(
              "/sign-in",
              cookies,
              "token=" + UiPaths.query(token) + "&_csrf=" + nonce + "&next=" + UiPaths.query(next));
      remember(answer);
      return answer;
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
      return WebUiHttpTest.this.get(path, cookies, headers);
    }

    HttpResponse<String> post(String path, String form, String... headers) throws Exception {
      return WebUiHttpTest.this.post(path, cookies, form, headers);
    }

    String csrf(String path) throws Exception {
      return csrfOf(get(path).body());
    }

    private void remember(HttpResponse<String> response) {
      for (String cookie : response.headers().allValues("Set-Cookie")) {
        String pair = cookie.substring(0, cookie.indexOf(';'));
        String name = pair.substring(0, pair.indexOf('='));
        StringBuilder kept = new StringBuilder();
        for (String old : cookies.split("; ")) {
          if (!old.isEmpty() && !old.startsWith(name + "=")) {
            kept.append(old).append("; ");
          }
        }
        if (!pair.endsWith("=")) {
          kept.append(pair);
        }
        cookies = kept.toString().replaceAll("; $", "");
      }
    }

    private String csrfOf(String html) {
      Matcher m = CSRF.matcher(html);
      assertThat(m.find()).as("a form with a CSRF token in %s", html).isTrue();
      return m.group(1);
    }
  }
}
