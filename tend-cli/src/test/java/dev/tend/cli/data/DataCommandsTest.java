package dev.tend.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.Cli;
import dev.tend.cli.LocalServer;
import dev.tend.cli.Main;
import dev.tend.server.config.TendConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tend project} and {@code tend data} commands end to end: a real Tend server started
 * in-process on a free port (SQLite metadata, local artifacts, DuckDB), the real shared data files,
 * and the command run as a user would, with its settings in environment variables.
 */
class DataCommandsTest {
  static final String PROJECT = "flights";
  static final AtomicInteger DATASETS = new AtomicInteger();

  @TempDir static Path serverDir;
  static LocalServer server;
  static String admin;

  @TempDir Path dir;

  @BeforeAll
  static void startServer() {
    TendConfig defaults = TendConfig.forDataDir(serverDir);
    TendConfig config =
        new TendConfig(
            0,
            TendConfig.DEFAULT_BIND,
            TendConfig.DEFAULT_MAX_REQUEST_BODY,
            Duration.ofSeconds(1),
            serverDir,
            defaults.metadataUrl(),
            defaults.artifactsDir(),
            false);
    server = LocalServer.start(config, Optional.empty());
    admin = server.bootstrap().orElseThrow().plainText();
    Cli.Result created = tend("project", "create", PROJECT, "--description", "US flights");
    assertThat(created.exitCode()).as(created.toString()).isZero();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  static Map<String, String> environment() {
    Map<String, String> environment = new HashMap<>();
    environment.put("TEND_URL", server.uri().toString());
    environment.put("TEND_TOKEN", admin);
    environment.put("TEND_PROJECT", PROJECT);
    return environment;
  }

  static Cli.Result tend(Object... args) {
    return Cli.runWith(environment(), args);
  }

  static Cli.Result ok(Object... args) {
    Cli.Result result = tend(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  /** A new dataset for one test, so tests share the server but not their versions. */
  static String dataset(Optional<Path> suite) {
    String name = "ds" + DATASETS.incrementAndGet();
    List<Object> args = new ArrayList<>(List.of("data", "create", name));
    suite.ifPresent(s -> args.addAll(List.of("--suite", s)));
    assertThat(ok(args.toArray()).out()).contains("Created dataset " + name);
    return name;
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[8192];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Every file under {@code folder} by its relative path, with its SHA-256. */
  static Map<String, String> hashes(Path folder) {
    Map<String, String> hashes = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      walk.filter(Files::isRegularFile)
          .forEach(f -> hashes.put(folder.relativize(f).toString(), sha256(f)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return hashes;
  }

  static JsonNode log(String name) {
    return ok("data", "log", name, "--format", "json").json();
  }

  static Map<String, Integer> aliases(String name) {
    Map<String, Integer> aliases = new TreeMap<>();
    ok("data", "aliases", name, "--format", "json")
        .json()
        .get("aliases")
        .forEach(a -> aliases.put(a.get("alias").asText(), a.get("version").asInt()));
    return aliases;
  }

  @Test
  void projectsAreCreatedAndListedAsATableAndAsJson() {
    Cli.Result created = ok("project", "create", "marketing");
    assertThat(created.out()).isEqualTo("Created project marketing\n");

    Cli.Result table = ok("project", "list");
    assertThat(table.out().lines().findFirst().orElseThrow())
        .startsWith("NAME")
        .contains("DESCRIPTION");
    assertThat(table.out()).contains("flights").contains("US flights").contains("marketing");

    JsonNode json = ok("project", "list", "--format", "json").json();
    List<String> names = new ArrayList<>();
    json.get("projects").forEach(p -> names.add(p.get("name").asText()));
    assertThat(names).contains("flights", "marketing");

    Cli.Result duplicate = tend("project", "create", "marketing");
    Cli.assertCleanUsageError(duplicate);
    assertThat(duplicate.err()).startsWith("tend: Conflict: ");
  }

  @Test
  void aPushedFileIsLoggedShownAndPulledBackByteIdentical() throws IOException {
    Path penguins = Cli.sharedData("penguins.json");
    String name = dataset(Optional.empty());

    Cli.Result push = ok("data", "push", name, penguins);
    // Whether the blob is uploaded depends on the other tests: the server is shared.
    assertThat(push.out())
        .contains("Pushed " + name + " (project flights): 1 file, 65.5 KiB; uploaded ")
        .contains("Version 1: accepted, 344 rows");

    JsonNode log = log(name);
    assertThat(log.get("versions")).hasSize(1);
    JsonNode first = log.at("/versions/0");
    assertThat(first.get("number").asInt()).isEqualTo(1);
    assertThat(first.get("status").asText()).isEqualTo("accepted");
    assertThat(first.get("row_count").asLong()).isEqualTo(344);
    assertThat(first.get("created_by").asText()).isEqualTo("admin");
    assertThat(first.get("source").asText()).isEqualTo(penguins.toAbsolutePath().toString());
    assertThat(first.get("aliases")).extracting(JsonNode::asText).containsExactly("latest");
    assertThat(ok("data", "log", name).out())
        .contains("VERSION")
        .containsPattern("1 +accepted +344 +65\\.5 KiB +admin .* latest");

    Cli.Result show = ok("data", "show", name + "@1");
    assertThat(show.out())
        .startsWith(name + "@1 (project flights)\n")
        .contains("status   accepted")
        .contains("rows     344 in 7 columns")
        .contains("penguins.json")
        .contains(sha256(penguins))
        .containsPattern("Body Mass \\(g\\) +integer")
        .contains("no suite was attached");
    JsonNode shown = ok("data", "show", name + "@1", "--format", "json").json();
    assertThat(shown.get("number").asInt()).isEqualTo(1);
    assertThat(shown.at("/files/0/sha256").asText()).isEqualTo(sha256(penguins));
    assertThat(shown.at("/schema/columns/0/name").asText()).isEqualTo("Species");
    assertThat(shown.get("aliases")).extracting(JsonNode::asText).containsExactly("latest");

    Path out = dir.resolve("pulled");
    Cli.Result pull = ok("data", "pull", name + "@1", "--out", out);
    assertThat(pull.out()).contains("1 file, 65.5 KiB downloaded, 0 unchanged");
    assertThat(hashes(out)).isEqualTo(Map.of("penguins.json", sha256(penguins)));
    assertThat(Files.mismatch(out.resolve("penguins.json"), penguins)).isEqualTo(-1L);

    Cli.Result again = ok("data", "pull", name + "@1", "--out", out, "--format", "json");
    assertThat(again.json().get("unchanged_files").asInt()).isEqualTo(1);
    assertThat(again.json().get("downloaded_files").asInt()).isZero();
  }

  @Test
  void aFolderIsPushedWithItsRelativePathsAndPulledBackAsTheSameTree() throws IOException {
    Path penguins = Cli.sharedData("penguins.json");
    Path folder = dir.resolve("colonies");
    Files.createDirectories(folder.resolve("2007"));
    Files.createDirectories(folder.resolve("2008/north"));
    Files.copy(penguins, folder.resolve("2007/penguins.json"));
    Files.copy(penguins, folder.resolve("2008/north/penguins.json"));
    Files.writeString(folder.resolve("NOTES.md"), "not data: the folder push leaves it out\n");
    String name = dataset(Optional.empty());

    JsonNode push = ok("data", "push", name, folder, "--format", "json").json();
    assertThat(push.get("version").asInt()).isEqualTo(1);
    assertThat(push.get("status").asText()).isEqualTo("accepted");
    assertThat(push.get("row_count").asLong()).isEqualTo(688);
    assertThat(push.get("files").asInt()).isEqualTo(2);

    Path out = dir.resolve("pulled");
    ok("data", "pull", name + "@1", "--out", out);
    assertThat(hashes(out))
        .isEqualTo(
            Map.of(
                "2007/penguins.json", sha256(penguins),
                "2008/north/penguins.json", sha256(penguins)));
  }

  @Test
  void aGlobOfSharedFilesIsOneVersionOfAllItsFiles() {
    Path movies = Cli.sharedData("movies.json");
    Path penguins = Cli.sharedData("penguins.json");
    String name = dataset(Optional.empty());

    Cli.Result push = ok("data", "push", name, movies.getParent() + "/*.json");
    assertThat(push.out()).contains("2 files").contains("Version 1: accepted, 3,545 rows");

    JsonNode shown = ok("data", "show", name + "@1", "--format", "json").json();
    List<String> paths = new ArrayList<>();
    shown.get("files").forEach(f -> paths.add(f.get("path").asText()));
    assertThat(paths).containsExactly("movies.json", "penguins.json");
    assertThat(shown.get("source").asText()).endsWith("/data/*.json");

    Path out = dir.resolve("pulled");
    ok("data", "pull", name + "@1", "--out", out);
    assertThat(hashes(out))
        .isEqualTo(Map.of("movies.json", sha256(movies), "penguins.json", sha256(penguins)));
  }

  @Test
  void aRejectedPushExitsOneAndMovesNoAlias() throws IOException {
    Path suite =
        Files.writeString(
            dir.resolve("penguins.yaml"), "checks:\n  - completeness: {column: Species}\n");
    String name = dataset(Optional.of(suite));
    Path penguins = Cli.sharedData("penguins.json");
    assertThat(ok("data", "push", name, penguins).out()).contains("Version 1: accepted");
    assertThat(ok("data", "alias", name, "production", "1").out())
        .isEqualTo("production of " + name + " now points at version 1\n");

    // movies have no Species: the union of both files fails completeness.
    Cli.Result rejected = tend("data", "push", name, penguins.getParent() + "/*.json");

    assertThat(rejected.exitCode()).as(rejected.toString()).isEqualTo(Main.CHECK_FAILED);
    assertThat(rejected.out())
        .contains("Version 2: rejected, 3,545 rows")
        .contains("Failed checks:\n  FAIL  completeness(Species)")
        .contains("Aliases stay where they were");
    assertThat(aliases(name)).isEqualTo(Map.of("latest", 1, "production", 1));
    assertThat(log(name).at("/versions/0/status").asText()).isEqualTo("rejected");

    Cli.Result show = ok("data", "show", name + "@2");
    assertThat(show.out())
        .containsPattern("FAIL +completeness\\(Species\\) +3,201 of 3,545 rows missing")
        .contains("FAILED: 0 of 1 checks passed, 1 errors and 0 warnings failed");

    Cli.Result unforced = tend("data", "alias", name, "production", "2");
    Cli.assertCleanUsageError(unforced);
    assertThat(unforced.err()).startsWith("tend: Conflict: ");
    assertThat(aliases(name)).containsEntry("production", 1);

    ok("data", "alias", name, "production", "2", "--force", "--reason", "inspect the movies");
    assertThat(aliases(name)).containsEntry("production", 2).containsEntry("latest", 1);
  }

  @Test
  void aRetriedPushWithTheSameKeyMakesOneVersion() {
    Path penguins = Cli.sharedData("penguins.json");
    String name = dataset(Optional.empty());

    JsonNode first =
        ok("data", "push", name, penguins, "--idempotency-key", "ci-job-41", "--format", "json")
            .json();
    JsonNode retry =
        ok("data", "push", name, penguins, "--idempotency-key", "ci-job-41", "--format", "json")
            .json();

    assertThat(first.get("version").asInt()).isEqualTo(1);
    assertThat(first.get("replayed").asBoolean()).isFalse();
    assertThat(retry.get("version").asInt()).isEqualTo(1);
    assertThat(retry.get("replayed").asBoolean()).isTrue();
    assertThat(log(name).get("versions")).hasSize(1);
    Cli.Result table = ok("data", "push", name, penguins, "--idempotency-key", "ci-job-41");
    assertThat(table.out()).contains("made before with the same idempotency key");

    JsonNode fresh = ok("data", "push", name, penguins, "--format", "json").json();
    assertThat(fresh.get("version").asInt()).isEqualTo(2);
    assertThat(log(name).get("versions")).hasSize(2);
  }

  @Test
  void aSuiteErrorNamesTheFileLineAndColumnAndCreatesNothing() throws IOException {
    Path suite =
        Files.writeString(
            dir.resolve("broken.yaml"), "checks:\n  - completeness: {colum: Species}\n");
    Cli.Result result = tend("data", "create", "never", "--suite", suite);
    Cli.assertCleanUsageError(result);
    assertThat(result.err()).startsWith("tend: " + suite + ":2:");
    Cli.Result show = tend("data", "log", "never");
    assertThat(show.exitCode()).isEqualTo(Main.USAGE);
    assertThat(show.err()).contains("no dataset named 'never'");
  }

  @Test
  void badInputGetsOneClearLineExitTwoAndChangesNothing() throws IOException {
    Path penguins = Cli.sharedData("penguins.json");
    String name = dataset(Optional.empty());
    ok("data", "push", name, penguins);

    Cli.Result unknown = tend("data", "push", "no-such-dataset", penguins);
    Cli.assertCleanUsageError(unknown);
    assertThat(unknown.err())
        .isEqualTo("tend: Not found: no dataset named 'no-such-dataset' in project 'flights'\n");

    Cli.Result unknownShow = tend("data", "show", "no-such-dataset@1");
    Cli.assertCleanUsageError(unknownShow);
    assertThat(unknownShow.err()).contains("no dataset named 'no-such-dataset'");

    Cli.Result unknownVersion = tend("data", "show", name + "@9");
    Cli.assertCleanUsageError(unknownVersion);
    assertThat(unknownVersion.err()).contains("has no committed version 9");

    for (String bad : List.of(name + "@", "@1", name + "@0", name + "@a/b", name + "@1@2")) {
      Cli.Result badRef = tend("data", "show", bad);
      Cli.assertCleanUsageError(badRef);
      assertThat(badRef.err())
          .as(bad)
          .startsWith("tend: bad dataset reference '" + bad + "': expected NAME@REF");
    }

    Cli.Result missing = tend("data", "push", name, dir.resolve("nope.json"));
    Cli.assertCleanUsageError(missing);
    assertThat(missing.err()).contains("nope.json").contains("no such file or folder");

    Path empty = Files.createFile(dir.resolve("empty.json"));
    Cli.Result emptyFile = tend("data", "push", name, empty);
    Cli.assertCleanUsageError(emptyFile);
    assertThat(emptyFile.err()).contains("empty.json").contains("the file is empty");

    Cli.Result badFormat = tend("data", "log", name, "--format", "yaml");
    Cli.assertCleanUsageError(badFormat);
    assertThat(badFormat.err()).isEqualTo("tend: unknown format 'yaml'; use table or json\n");

    Map<String, String> anonymous = environment();
    anonymous.remove("TEND_TOKEN");
    Cli.Result noToken = Cli.runWith(anonymous, "data", "push", name, penguins);
    Cli.assertCleanUsageError(noToken);
    assertThat(noToken.err())
        .startsWith("tend: Authentication required: ")
        .contains("set TEND_TOKEN (or --token)");

    Cli.Result badToken = tend("data", "log", name, "--token", "tend_not_a_token");
    Cli.assertCleanUsageError(badToken);
    assertThat(badToken.err()).startsWith("tend: Authentication required: ");

    Cli.Result badUrl = tend("data", "log", name, "--url", "ftp://example.org");
    Cli.assertCleanUsageError(badUrl);
    assertThat(badUrl.err()).contains("is not an http or https URL");

    JsonNode versions = log(name).get("versions");
    assertThat(versions).hasSize(1);
  }

  @Test
  void anUnreachableServerIsOneLineAndExitThree() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Map<String, String> environment = environment();
    environment.put("TEND_URL", "http://127.0.0.1:" + port);

    Cli.Result result = Cli.runWith(environment, "data", "log", "anything");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.INTERNAL);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "tend: cannot reach Tend at http://127.0.0.1:" + port + ": connection refused\n");
  }

  @Test
  void pullRefusesToOverwriteADifferentFileUnlessForced() throws IOException {
    Path penguins = Cli.sharedData("penguins.json");
    String name = dataset(Optional.empty());
    ok("data", "push", name, penguins);
    Path out = Files.createDirectories(dir.resolve("pulled"));
    Path local = Files.writeString(out.resolve("penguins.json"), "[]\n");

    Cli.Result refused = tend("data", "pull", name + "@1", "--out", out);

    Cli.assertCleanUsageError(refused);
    assertThat(refused.err())
        .contains("refusing to overwrite 1 file")
        .contains("penguins.json")
        .contains("--force");
    assertThat(Files.readString(local)).isEqualTo("[]\n");
    assertThat(Cli.files(out)).containsExactly("penguins.json");

    ok("data", "pull", name + "@1", "--out", out, "--force");
    assertThat(sha256(local)).isEqualTo(sha256(penguins));
    assertThat(Cli.files(out)).containsExactly("penguins.json");
  }

  @Test
  void optionsTakeThePlaceOfTheEnvironment() {
    Path penguins = Cli.sharedData("penguins.json");
    String name = dataset(Optional.empty());
    Cli.Result result =
        Cli.runWith(
            Map.of(),
            "data",
            "push",
            name,
            penguins,
            "--url",
            server.uri(),
            "--token",
            admin,
            "--project",
            PROJECT);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    Cli.Result wrongProject =
        Cli.runWith(Map.of(), "data", "log", name, "--url", server.uri(), "--token", admin);
    Cli.assertCleanUsageError(wrongProject);
    // Without TEND_PROJECT the project is 'default' (which servers create at first start).
    assertThat(wrongProject.err()).contains("'default'");
  }

  @Test
  void aQueryResultIsPushedAsParquetWithItsSourceButNoPassword() throws Exception {
    String url = System.getenv("TEND_TEST_PG_URL");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        url != null && !url.isBlank(), "TEND_TEST_PG_URL is not set");
    try (var connection = java.sql.DriverManager.getConnection(url);
        var statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS tend_cli_orders");
      statement.execute(
          "CREATE TABLE tend_cli_orders AS SELECT g AS id, g * 1.5 AS amount FROM"
              + " generate_series(1, 1000) g");
    }
    String name = dataset(Optional.empty());
    String withPassword = url + (url.contains("?") ? "&" : "?") + "password=s3cret";

    JsonNode push =
        ok(
                "data",
                "push",
                name,
                "--jdbc",
                withPassword,
                "--query",
                "SELECT * FROM tend_cli_orders WHERE id <= 600",
                "--format",
                "json")
            .json();

    assertThat(push.get("status").asText()).isEqualTo("accepted");
    assertThat(push.get("row_count").asLong()).isEqualTo(600);
    JsonNode shown = ok("data", "show", name + "@1", "--format", "json").json();
    assertThat(shown.at("/files/0/path").asText()).isEqualTo(name + ".parquet");
    assertThat(shown.get("source").asText()).isEqualTo(url).doesNotContain("s3cret");
  }

  @Test
  void showAndPullTakeAnAlias() {
    Path penguins = Cli.sharedData("penguins.json");
    String name = dataset(Optional.empty());
    ok("data", "push", name, penguins);
    ok("data", "alias", name, "production", "1");
    assertThat(ok("data", "show", name + "@production").out()).startsWith(name + "@1 ");
    assertThat(ok("data", "show", name).out()).startsWith(name + "@1 ");
    Path out = dir.resolve("pulled");
    ok("data", "pull", name + "@production", "--out", out);
    assertThat(hashes(out)).isEqualTo(Map.of("penguins.json", sha256(penguins)));
    Cli.Result unknown = tend("data", "show", name + "@staging");
    Cli.assertCleanUsageError(unknown);
    assertThat(unknown.err()).contains("staging");
  }

  @Test
  void aSecondPushOfTheSameFilesUploadsNothing() {
    Path penguins = Cli.sharedData("penguins.json");
    String name = dataset(Optional.empty());
    ok("data", "push", name, penguins);
    JsonNode again = ok("data", "push", name, penguins, "--format", "json").json();
    assertThat(again.get("uploaded_files").asInt()).isZero();
    assertThat(again.get("version").asInt()).isEqualTo(2);
  }

  @Test
  void diffShowsRowsSchemaDriftAndNewlyFailingChecks() throws IOException {
    Path suite =
        Files.writeString(
            dir.resolve("penguins.yaml"), "checks:\n  - completeness: {column: Species}\n");
    String name = dataset(Optional.of(suite));
    Path penguins = Cli.sharedData("penguins.json");
    ok("data", "push", name, penguins);
    tend("data", "push", name, penguins.getParent() + "/*.json");

    Cli.Result table = ok("data", "diff", name + "@1", name + "@2");
    assertThat(table.out())
        .contains("Rows: 344 -> 3,545 (+3,201")
        .contains("+ Title")
        .contains("newly failing: completeness(Species)");
    JsonNode json = ok("data", "diff", name + "@1", name + "@2", "--format", "json").json();
    assertThat(json.at("/rows/change").asLong()).isEqualTo(3201);
    assertThat(json.at("/checks/newly_failing/0/check").asText())
        .isEqualTo("completeness(Species)");
    List<String> drifted = new ArrayList<>();
    json.get("columns").forEach(c -> drifted.add(c.get("name").asText()));
    assertThat(drifted).contains("Species", "Island");
  }

  @Test
  void rollbackMovesProductionBackAndRecordsWhy() {
    Path penguins = Cli.sharedData("penguins.json");
    String name = dataset(Optional.empty());
    ok("data", "push", name, penguins);
    ok("data", "push", name, penguins);
    ok("data", "alias", name, "production", "2");

    Cli.Result rollback =
        ok("data", "rollback", name, "--to", "1", "--reason", "version 2 broke training");

    assertThat(rollback.out())
        .isEqualTo(
            "Moved production of "
                + name
                + " to version 1 (was 2); reason recorded: version 2 broke training\n");
    assertThat(aliases(name)).containsEntry("production", 1);
    Cli.Result blank = tend("data", "rollback", name, "--to", "2", "--reason", " ");
    Cli.assertCleanUsageError(blank);
    Cli.Result unknown = tend("data", "rollback", name, "--to", "7", "--reason", "x");
    Cli.assertCleanUsageError(unknown);
    assertThat(aliases(name)).containsEntry("production", 1);
  }

  @Test
  void theDefaultProjectNeedsNoSetting() {
    Map<String, String> environment = environment();
    environment.remove("TEND_PROJECT");
    Path penguins = Cli.sharedData("penguins.json");
    assertThat(Cli.runWith(environment, "data", "create", "penguins").exitCode()).isZero();
    Cli.Result push = Cli.runWith(environment, "data", "push", "penguins", penguins);
    assertThat(push.out()).contains("(project default)");
  }
}
