package dev.tend.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code ./tend} script, run as a process from the repository root. */
class ScriptIT {
  static Path root;
  static Path script;

  @TempDir Path dir;

  @BeforeAll
  static void findScript() {
    root = Path.of("").toAbsolutePath().getParent();
    script = root == null ? null : root.resolve("tend");
    assumeTrue(script != null && Files.isExecutable(script), "no executable ../tend");
    Path jar = root.resolve("tend-cli/target/tend-cli.jar");
    // Failsafe runs this after package, so the jar is fresh; a stale jar would make the script
    // start a Maven build inside the build, which must fail loudly rather than skip.
    if (!Files.isRegularFile(jar) || !newerSources(jar).isEmpty()) {
      throw new AssertionError("tend-cli.jar is missing or older than " + newerSources(jar));
    }
  }

  private static List<Path> newerSources(Path jar) {
    try (Stream<Path> walk = Files.walk(root)) {
      FileTime built = Files.getLastModifiedTime(jar);
      return walk.filter(p -> !p.startsWith(root.resolve(".git")))
          .filter(Files::isRegularFile)
          .filter(
              p ->
                  p.getFileName().toString().equals("pom.xml")
                      || root.relativize(p).toString().matches("(.*/)?src/main/.*"))
          .filter(p -> isNewer(p, built))
          .limit(3)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isNewer(Path file, FileTime than) {
    try {
      return Files.getLastModifiedTime(file).compareTo(than) > 0;
    } catch (IOException e) {
      return false;
    }
  }

  record Run(int exitCode, String out, String err) {}

  private Run tend(String... args) throws IOException, InterruptedException {
    return tend(java.util.Map.of(), args);
  }

  private Run tend(java.util.Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    return tend(Duration.ofSeconds(120), environment, args);
  }

  private Run tend(Duration timeout, java.util.Map<String, String> environment, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(args));
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(root.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("./tend " + String.join(" ", args) + " timed out");
    }
    Run run =
        new Run(
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    assumeTrue(
        !run.err().contains("no JDK 21 or newer found") && !run.err().contains("building"),
        "the script found no JDK or had to rebuild");
    return run;
  }

  @Test
  void version() throws Exception {
    Run run = tend("--version");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("tend ");
  }

  @Test
  void checkOfAPassingFileExitsZero() throws Exception {
    Path data = Files.writeString(dir.resolve("ok.csv"), "id,amount\n1,2.5\n2,3.5\n");
    Path suite =
        Files.writeString(
            dir.resolve("suite.yaml"),
            "checks:\n  - completeness: {column: amount}\n  - unique: {column: id}\n");
    Run run = tend("check", data.toString(), "--suite", suite.toString(), "--no-history");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("PASS");
  }

  @Test
  void badInputExitsTwoWithoutAStackTrace() throws Exception {
    Path data = Files.writeString(dir.resolve("bad.csv"), "id,amount\n1,2\n2,3,4\n");
    Path suite =
        Files.writeString(dir.resolve("suite.yaml"), "checks:\n  - completeness: {column: id}\n");
    Run run = tend("check", data.toString(), "--suite", suite.toString(), "--no-history");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("bad.csv", "line 3").doesNotContain("\tat ");
    assertThat(run.err().lines().filter(l -> l.startsWith("tend:"))).hasSize(1);
  }

  /**
   * The first of README's two commands, shortened (issue 8, item 5): the flagship scenario through
   * the real server, HTTP API and CLI, from January's training to the broken feed, the drift, the
   * automated retrain, gate, canary and promotion, asserting that the loop closed.
   */
  @Test
  void theDemoClosesTheLoop() throws Exception {
    Path sharedData = root.resolveSibling("shared").resolve("data");
    assumeTrue(
        Files.isRegularFile(sharedData.resolve("flights-3m.parquet")), "no ../shared/data here");
    Run run =
        tend(
            Duration.ofMinutes(15),
            java.util.Map.of(),
            "demo",
            "--headless",
            "--quick",
            "--json",
            "--work-dir",
            dir.resolve("demo").toString());
    assertThat(run.err()).as(run.toString()).doesNotContain("\tat ", "INFO dev.tend.server");
    JsonNode summary = new ObjectMapper().readTree(run.out());
    assertThat(summary.path("unmet")).as(run.toString()).isEmpty();
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(summary.path("closed").asBoolean()).isTrue();

    // The broken feed: its week's push is rejected, and the quality alerts name both columns.
    List<JsonNode> weeks = list(summary.path("weeks"));
    assertThat(weeks.stream().filter(w -> w.path("broken_feed").asBoolean()))
        .singleElement()
        .satisfies(w -> assertThat(w.path("pushed").asText()).isEqualTo("rejected"));
    assertThat(
            weeks.stream()
                .filter(w -> !w.path("broken_feed").asBoolean() && w.has("pushed"))
                .map(w -> w.path("pushed").asText()))
        .containsOnly("accepted");
    assertThat(list(summary.path("quality_columns")).stream().map(JsonNode::asText))
        .contains("origin", "distance");
    // Root causes, where the server reports them, name the broken columns too.
    List<JsonNode> causes =
        list(summary.path("alerts")).stream()
            .filter(a -> a.path("metric").asText().matches(".*(missing|range|checks).*"))
            .map(a -> a.path("root_cause"))
            .filter(c -> !c.isMissingNode() && !c.isNull())
            .toList();
    if (!causes.isEmpty()) {
      assertThat(causes.toString()).contains("origin", "distance");
    }

    // The drift: an alert, an automated retrain that passed the gate, a canary, a promotion.
    assertThat(
            list(summary.path("alerts")).stream()
                .map(a -> a.path("metric").asText())
                .filter(m -> m.equals("roc_auc") || m.contains("drift")))
        .isNotEmpty();
    JsonNode promoted =
        list(summary.path("actions")).stream()
            .filter(a -> a.path("state").asText().equals("promoted"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no promoted action: " + summary));
    assertThat(promoted.path("gate").path("passed").asBoolean()).isTrue();
    assertThat(promoted.path("gate").path("challenger").asDouble())
        .isGreaterThan(promoted.path("gate").path("champion").asDouble());

    // Accuracy recovers: the labelled windows after the promotion beat those of the degradation.
    JsonNode phases = summary.path("phases");
    assertThat(phases.path("after").path("roc_auc").asDouble())
        .isGreaterThan(phases.path("degradation").path("roc_auc").asDouble());
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    return items;
  }

  @Test
  void aMalformedAdminTokenStopsTheServerBeforeAnythingIsWritten() throws Exception {
    Path data = dir.resolve("server");
    Run run =
        tend(
            java.util.Map.of("TEND_ADMIN_TOKEN", "not-a-token"),
            "server",
            "--port",
            "0",
            "--data-dir",
            data.toString());
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).contains("TEND_ADMIN_TOKEN", "tend token new").doesNotContain("\tat ");
    assertThat(data).doesNotExist();
  }

  @Test
  void aNewTokenIsAcceptedAsTheAdminToken() throws Exception {
    Run token = tend("token", "new");
    assertThat(token.exitCode()).as(token.toString()).isZero();
    String text = token.out().strip();
    assertThat(text).matches("tend_[0-9A-HJKMNP-TV-Z]{26}_[A-Za-z0-9_-]{43}");
    assertThat(tend("token", "new").out().strip()).isNotEqualTo(text);
  }
}
