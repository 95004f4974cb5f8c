package dev.tend.bench;

import dev.tend.access.IssuedToken;
import dev.tend.access.Principal;
import dev.tend.cli.LocalServer;
import dev.tend.server.StoreServices;
import dev.tend.server.config.TendConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The web UI's server time per page (issue 9: under 300 ms with the demo's data loaded).
 *
 * <p>It copies the data dir the flagship demo leaves ({@code .tend/demo/server}, made by {@code
 * ./tend demo}), gives its admin a new token, starts a real server on the copy, signs in through
 * the sign-in form, and crawls the UI from {@code /}: every same-origin page link, up to {@code
 * --pages}. Each page found is then fetched {@code --reps} times, interleaved with the baseline,
 * {@code GET /api/v1/projects/{project}} (a one-row JSON read through the same server, auth and
 * HTTP stack). It prints per page the median and worst {@code Server-Timing} (the time inside the
 * server, from the session check to the last byte rendered) and the ratio of the page's median
 * round trip to the baseline's.
 *
 * <pre>
 * bench/run ui [--data-dir .tend/demo/server] [--pages 80] [--reps 15] [--warmup 2]
 * </pre>
 */
public final class UiPagesBenchmark {
  private static final Pattern LINK = Pattern.compile("href=\"(/[^\"#]*)\"");
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
  private static final Pattern TIMING = Pattern.compile("app;dur=([0-9.]+)");
  private static final double TARGET_MS = 300;

  private UiPagesBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = Flags.parse(args);
    Path source = Path.of(flags.getOrDefault("data-dir", ".tend/demo/server"));
    int maxPages = Integer.parseInt(flags.getOrDefault("pages", "80"));
    int reps = Integer.parseInt(flags.getOrDefault("reps", "15"));
    int warmup = Integer.parseInt(flags.getOrDefault("warmup", "2"));
    if (!Files.isRegularFile(source.resolve("tend.db"))) {
      System.err.println(
          "bench ui: no demo data at " + source + "; run ./tend demo --headless first");
      System.exit(2);
    }
    Path copy = Files.createTempDirectory("tend-ui-bench");
    try {
      copyTree(source, copy);
      TendConfig config = TendConfig.forDataDir(copy).withPort(0);
      String token = adminToken(config);
      try (LocalServer server = LocalServer.start(config, Optional.empty());
          HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
        Session session = Session.signIn(http, server.uri(), token);
        List<String> pages = crawl(session, maxPages);
        String project =
            pages.stream()
                .map(p -> p.startsWith("/projects/") ? p.split("/")[2] : null)
                .filter(p -> p != null)
                .findFirst()
                .orElse("default");
        String baseline = "/api/v1/projects/" + project;
        System.out.printf(
            Locale.ROOT,
            "ui pages: %d pages of %s, %d warm-up + %d measured fetches each, interleaved with"
                + " the baseline GET %s%n",
            pages.size(),
            source,
            warmup,
            reps,
            baseline);
        Map<String, double[]> serverMs = new LinkedHashMap<>();
        Map<String, double[]> roundTripMs = new LinkedHashMap<>();
        double[] baselineMs = new double[reps * pages.size()];
        int b = 0;
        for (String page : pages) {
          double[] inServer = new double[reps];
          double[] trip = new double[reps];
          for (int i = 0; i < warmup + reps; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> response = session.get(page);
            long t1 = System.nanoTime();
            long t2 = System.nanoTime();
            session.api(baseline, token);
            long t3 = System.nanoTime();
            if (i >= warmup) {
              inServer[i - warmup] = timing(response);
              trip[i - warmup] = (t1 - t0) / 1e6;
              baselineMs[b++] = (t3 - t2) / 1e6;
            }
          }
          serverMs.put(page, inServer);
          roundTripMs.put(page, trip);
        }
        double base = median(baselineMs);
        System.out.printf(Locale.ROOT, "baseline round trip: median %.1f ms%n%n", base);
        System.out.printf(
            Locale.ROOT,
            "%-70s %10s %10s %12s %8s%n",
            "page",
            "server p50",
            "server max",
            "trip/base",
            "< 300ms");
        int over = 0;
        double worst = 0;
        for (String page : pages) {
          double[] inServer = serverMs.get(page);
          double p50 = median(inServer);
          double max = Arrays.stream(inServer).max().orElse(0);
          worst = Math.max(worst, p50);
          boolean ok = p50 < TARGET_MS;
          if (!ok) {
            over++;
          }
          System.out.printf(
              Locale.ROOT,
              "%-70s %8.1f ms %8.1f ms %11.1fx %8s%n",
              page.length() > 70 ? page.substring(0, 67) + "..." : page,
              p50,
              max,
              median(roundTripMs.get(page)) / base,
              ok ? "yes" : "NO");
        }
        System.out.printf(
            Locale.ROOT,
            "%n%d of %d pages answer under %.0f ms server time (median); slowest median %.1f ms%n",
            pages.size() - over,
            pages.size(),
            TARGET_MS,
            worst);
      }
    } finally {
      deleteTree(copy);
    }
  }

  /** A token for the demo's first admin, minted straight in the copied store. */
  private static String adminToken(TendConfig config) {
    try (StoreServices store = StoreServices.open(config)) {
      Principal admin =
          store
              .access()
              .findPrincipal("admin")
              .orElseThrow(() -> new IllegalStateException("the demo data has no 'admin'"));
      IssuedToken token = store.access().createToken(admin.id(), "ui benchmark", "benchmark");
      return token.plainText();
    }
  }

  /** Every same-origin page reachable from {@code /}, breadth first, in the order found. */
  private static List<String> crawl(Session session, int max) throws Exception {
    Set<String> seen = new LinkedHashSet<>();
    List<String> pages = new ArrayList<>();
    Deque<String> queue = new ArrayDeque<>(List.of("/"));
    while (!queue.isEmpty() && pages.size() < max) {
      String page = queue.removeFirst();
      if (!seen.add(page)) {
        continue;
      }
      HttpResponse<String> response = session.get(page);
      String type = response.headers().firstValue("Content-Type").orElse("");
      if (response.statusCode() != 200 || !type.startsWith("text/html")) {
        continue;
      }
      pages.add(page);
      Matcher links = LINK.matcher(response.body());
      while (links.find()) {
        String link = links.group(1).replace("&amp;", "&");
        if (!link.startsWith("/static/")
            && !link.startsWith("/webjars/")
            && !link.startsWith("/api/")
            && !link.startsWith("/sign-")
            && !seen.contains(link)) {
          queue.addLast(link);
        }
      }
    }
    return pages;
  }

  private static double timing(HttpResponse<String> response) {
    Matcher m = TIMING.matcher(response.headers().firstValue("Server-Timing").orElse(""));
    if (response.statusCode() != 200 || !m.find()) {
      throw new IllegalStateException(
          "page " + response.uri() + " answered " + response.statusCode() + " without timing");
    }
    return Double.parseDouble(m.group(1));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(file).toString());
        if (file.getFileName().toString().equals("server.lock")) {
          continue;
        }
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A signed-in browser session: its cookie, sent with every page fetch. */
  private record Session(HttpClient http, URI base, String cookie) {
    static Session signIn(HttpClient http, URI base, String token) throws Exception {
      HttpResponse<String> form =
          http.send(
              HttpRequest.newBuilder(base.resolve("/sign-in")).build(),
              HttpResponse.BodyHandlers.ofString());
      String nonceCookie = cookie(form, "tend_sign_in");
      Matcher csrf = CSRF.matcher(form.body());
      if (!csrf.find()) {
        throw new IllegalStateException("the sign-in page has no form token");
      }
      String body =
          "token="
              + URLEncoder.encode(token, StandardCharsets.UTF_8)
              + "&_csrf="
              + csrf.group(1)
              + "&next=%2F";
      HttpResponse<String> signedIn =
          http.send(
              HttpRequest.newBuilder(base.resolve("/sign-in"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("Cookie", nonceCookie)
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (signedIn.statusCode() != 303) {
        throw new IllegalStateException("sign-in answered " + signedIn.statusCode());
      }
      return new Session(http, base, cookie(signedIn, "tend_session"));
    }

    HttpResponse<String> get(String path) throws Exception {
      return http.send(
          HttpRequest.newBuilder(base.resolve(path)).header("Cookie", cookie).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    void api(String path, String token) throws Exception {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(base.resolve(path))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("baseline " + path + " answered " + response.statusCode());
      }
    }

    private static String cookie(HttpResponse<String> response, String name) {
      return response.headers().allValues("Set-Cookie").stream()
          .filter(c -> c.startsWith(name + "="))
          .map(c -> c.substring(0, c.indexOf(';')))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no " + name + " cookie"));
    }
  }
}
