package dev.tend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelines through the real {@code ./tend} command against a real {@code tend server} process
 * (SQLite metadata, the runner inside the server), on the Palmer penguins data pushed with {@code
 * tend data push}: a local pipeline folder run with {@code --wait} from validation to deployment
 * and again against its champion, a gate that fails, a broken file refused before anything is sent,
 * a stored pipeline run by name, a cancelled command, and a Python script sent along with its
 * pipeline. One server for the class; each test uses its own pipeline and model names.
 */
class PipelineIT {
  static final String PROJECT = "zoo";
  static final Pattern RUN_LINE = Pattern.compile("^Run (\\S+) of pipeline ", Pattern.MULTILINE);

  static final String SUITE =
      """
      version: 1
      checks:
        - completeness: {column: Species}
        - completeness: {column: Island}
      """;

  /* PipelineRunsTest.SPECIES with its validate step checking suite.yaml. */
  static final String SPECIES =
      """
      version: 1
      name: species
      params:
        depth: {type: integer, default: 3}
      steps:
        - id: validate
          kind: validate
          dataset: penguins@latest
          suite: suite.yaml
        - id: train
          kind: train
          needs: [validate]
          dataset: penguins@latest
          label: Species
          features: [Island, "`Beak Length (mm)`", "`Beak Depth (mm)`", "`Flipper Length (mm)`"]
          task: multiclass
          split: {method: random, fraction: 0.2}
          hyperparameters: {rounds: 30, max_depth: "${params.depth}"}
          seed: 7
        - id: evaluate
          kind: evaluate
          needs: [train]
          model: ${steps.train.outputs.model}
          dataset: penguins@latest
          champion: species@production
          metrics: [accuracy, macro_f1]
        - id: gate
          kind: gate
          needs: [evaluate]
          evaluation: ${steps.evaluate.outputs.metrics}
          conditions:
            - accuracy >= 0.8
            - accuracy >= champion.accuracy - 0.05
        - id: register
          kind: register
          needs: [gate]
          model: species
          from: ${steps.train.outputs.model}
        - id: deploy
          kind: deploy
          needs: [register]
          model: ${steps.register.outputs.version}
          alias: production
      """;

  @TempDir static Path dir;
  static ServerProcess server;
  static TendScript tend;

  @BeforeAll
  static void startServerAndPushPenguins() throws Exception {
    Path penguins = Cli.sharedData("penguins.json");
    server =
        ServerProcess.start(
            new ServerProcess.Options(
                dir.resolve("data"), Optional.empty(), Optional.empty(), dir.resolve("scratch")));
    tend =
        TendScript.find(
            Map.of(
                "TEND_URL",
                server.uri().toString(),
                "TEND_TOKEN",
                server.adminToken().orElseThrow(),
                "TEND_PROJECT",
                PROJECT,
                // Many short client JVMs on two shared cores: C1 only starts them faster.
                "TEND_JAVA_OPTS",
                "-XX:TieredStopAtLevel=1"),
            dir.resolve("cli"));
    succeeds(tend.run("project", "create", PROJECT));
    succeeds(tend.run("data", "create", "penguins"));
    Cli.Result push = succeeds(tend.run("data", "push", "penguins", penguins, "--format", "json"));
    assertThat(push.json().get("row_count").asLong()).isEqualTo(344);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aPipelineFolderRunsFromValidationToDeploymentAndTheSecondRunMeetsTheChampion()
      throws Exception {
    Path file = folder("species", SPECIES, Map.of("suite.yaml", SUITE));

    Cli.Result first = succeeds(tend.run("pipeline", "run", file, "--wait"));

    String id = runId(first);
    assertThat(first.out())
        .contains("[validate] ", "[train] ", "[deploy] ")
        .contains("Run " + id + " of species: succeeded")
        .containsPattern("(?m)^register +register +succeeded .*version species/1")
        .containsPattern("(?m)^deploy +deploy +succeeded ");
    JsonNode shown = succeeds(tend.run("pipeline", "show", id, "--format", "json")).json();
    assertThat(shown.get("status").asText()).isEqualTo("succeeded");
    assertThat(shown.get("steps").findValuesAsText("id"))
        .containsExactly("validate", "train", "evaluate", "gate", "register", "deploy");
    assertThat(shown.get("steps").findValuesAsText("status"))
        .as(shown.toString())
        .hasSize(6)
        .containsOnly("succeeded");
    assertThat(step(shown, "validate").at("/outputs/report/suite").asText())
        .isEqualTo("suite.yaml");
    assertThat(step(shown, "validate").at("/outputs/report/passed").asBoolean()).isTrue();
    Cli.Result logs = succeeds(tend.run("pipeline", "logs", id));
    assertThat(logs.out().lines().filter(l -> l.startsWith("[train] ")))
        .anyMatch(l -> l.startsWith("[train] trained "));
    assertThat(logs.out()).contains("species@production now points at version 1");

    Cli.Result second = succeeds(tend.run("pipeline", "run", file, "--wait"));

    assertThat(second.out())
        .containsPattern("(?m)^register +register +succeeded .*version species/2");
    JsonNode again =
        succeeds(tend.run("pipeline", "show", runId(second), "--format", "json")).json();
    JsonNode metrics = step(again, "evaluate").at("/outputs/metrics");
    assertThat(metrics.get("champion_version").asText()).isEqualTo("species/1");
    assertThat(metrics.get("champion")).isEqualTo(metrics.get("candidate"));
    assertThat(step(again, "gate").at("/outputs/decision/conditions/1/passed").asBoolean())
        .isTrue();
  }

  @Test
  void aGateThatDoesNotPassExitsOneWithItsReason() throws Exception {
    String strict =
        SPECIES
            .replace("name: species", "name: strict")
            .replace("species@production", "strict@production")
            .replace("model: species", "model: strict")
            .replace("accuracy >= 0.8", "accuracy >= 0.9999");
    Path file = folder("strict", strict, Map.of("suite.yaml", SUITE));

    Cli.Result run = tend.run("pipeline", "run", file, "--wait");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.out())
        .contains(": failed (step 'gate' failed: gate not passed: accuracy >= 0.9999 (candidate")
        .containsPattern("(?m)^register +register +skipped ");
    assertThat(run.err()).doesNotContain("\tat ");
  }

  @Test
  void aBrokenPipelineFileExitsTwoWithItsPositionAndSendsNothing() throws Exception {
    Path file =
        folder(
            "broken",
            """
            version: 1
            name: broken
            steps:
              - id: fit
                kind: gait
                argv: [/bin/true]
            """,
            Map.of());

    Cli.Result run = tend.run("pipeline", "run", file, "--wait");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith("tend: ")
        .containsPattern(Pattern.quote(file.toString()) + ":5:\\d+: ")
        .contains("gait")
        .doesNotContain("\tat ");
    JsonNode runs = succeeds(tend.run("pipeline", "runs", "broken", "--format", "json")).json();
    assertThat(runs.get("items")).as("runs of the broken pipeline").isEmpty();
  }

  @Test
  void aStoredPipelineRunsByNameWithTheFilesItWasAppliedWith() throws Exception {
    Path file =
        folder(
            "nightly",
            """
            version: 1
            name: nightly
            steps:
              - id: validate
                kind: validate
                dataset: penguins@latest
                suite: suite.yaml
              - id: count
                kind: command
                needs: [validate]
                argv: [/bin/sh, -c, "echo counted $(wc -l < suite.yaml) suite lines"]
            """,
            Map.of("suite.yaml", SUITE));
    Cli.Result applied = succeeds(tend.run("pipeline", "apply", file));
    assertThat(applied.out()).contains("Stored nightly version 1 (1 files).");
    assertThat(succeeds(tend.run("pipeline", "list")).out()).contains("nightly");

    Cli.Result run = succeeds(tend.run("pipeline", "run", "nightly", "--wait"));

    assertThat(run.out())
        .contains("[count] counted " + SUITE.lines().count() + " suite lines")
        .contains(": succeeded");
    JsonNode shown = succeeds(tend.run("pipeline", "show", runId(run), "--format", "json")).json();
    assertThat(shown.get("pipeline_version").asInt()).isEqualTo(1);
  }

  @Test
  void cancellingALongCommandEndsTheRunCancelled() throws Exception {
    Path file =
        folder(
            "slow",
            """
            version: 1
            name: slow
            steps:
              - id: wait
                kind: command
                argv: [/bin/sh, -c, "echo started; sleep 300"]
              - id: after
                kind: command
                needs: [wait]
                argv: [/bin/true]
            """,
            Map.of());
    TendScript.Started waiting = tend.start("pipeline", "run", file, "--wait");
    long started = System.nanoTime();
    awaitOutput(waiting, "[wait] started");
    String id = runId(waiting.outSoFar());

    long asked = System.nanoTime();
    Cli.Result cancel = succeeds(tend.run("pipeline", "cancel", id));
    long answered = System.nanoTime();
    Cli.Result ended = waiting.await();
    System.out.printf(
        "cancel: ./tend pipeline cancel took %d ms, the waiting ./tend ended %d ms after it%n",
        (answered - asked) / 1_000_000, (System.nanoTime() - answered) / 1_000_000);

    assertThat(cancel.out()).contains(id);
    assertThat(ended.exitCode()).as(ended.toString()).isEqualTo(1);
    assertThat(ended.out()).contains("Run " + id + " of slow: cancelled");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(200));
    JsonNode shown = succeeds(tend.run("pipeline", "show", id, "--format", "json")).json();
    assertThat(shown.get("status").asText()).isEqualTo("cancelled");
    assertThat(step(shown, "wait").get("status").asText()).isEqualTo("cancelled");
    assertThat(step(shown, "after").get("status").asText()).isEqualTo("skipped");
  }

  @Test
  void aPythonScriptSentWithThePipelineWritesAModelThatIsRegistered() throws Exception {
    Path file =
        folder(
            "scripted",
            """
            version: 1
            name: scripted
            steps:
              - id: fit
                kind: command
                argv: [/usr/bin/python3, scripts/fit.py]
                outputs: {model: model, metrics: metrics.json}
              - id: register
                kind: register
                needs: [fit]
                model: scripted
                from: ${steps.fit.outputs.model}
            """,
            Map.of(
                "scripts/fit.py",
                """
                import json, os, pathlib
                out = pathlib.Path(os.environ["TEND_OUTPUTS"])
                (out / "model").mkdir(parents=True, exist_ok=True)
                (out / "model" / "model.json").write_text('{"dummy": true}')
                (out / "metrics.json").write_text(json.dumps({"accuracy": 0.5}))
                print("fitted by", os.path.relpath(__file__), "in", os.environ["TEND_STEP_ID"])
                """));

    Cli.Result run = succeeds(tend.run("pipeline", "run", file, "--wait"));

    assertThat(run.out())
        .contains("[fit] running /usr/bin/python3 scripts/fit.py")
        .contains("[fit] fitted by scripts/fit.py in fit")
        .containsPattern("(?m)^register +register +succeeded .*version scripted/1");
    JsonNode shown = succeeds(tend.run("pipeline", "show", runId(run), "--format", "json")).json();
    assertThat(step(shown, "fit").at("/outputs/metrics/accuracy").asDouble()).isEqualTo(0.5);
    assertThat(step(shown, "fit").at("/outputs/model").asText()).startsWith("runs:/");
    assertThat(step(shown, "register").at("/outputs/version").asText()).isEqualTo("scripted/1");
  }

  /* Writes a pipeline folder: pipeline.yaml and the other files, by their relative paths. */
  private static Path folder(String name, String yaml, Map<String, String> files) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("pipelines").resolve(name));
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path path = folder.resolve(f.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, f.getValue());
    }
    return Files.writeString(folder.resolve("pipeline.yaml"), yaml);
  }

  private static Cli.Result succeeds(Cli.Result result) {
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  private static String runId(Cli.Result result) {
    return runId(result.out());
  }

  private static String runId(String out) {
    Matcher m = RUN_LINE.matcher(out);
    assertThat(m.find()).as("a 'Run ID of pipeline' line in:\n%s", out).isTrue();
    return m.group(1);
  }

  private static JsonNode step(JsonNode run, String id) {
    List<String> ids = new ArrayList<>();
    for (JsonNode step : run.get("steps")) {
      if (step.get("id").asText().equals(id)) {
        return step;
      }
      ids.add(step.get("id").asText());
    }
    throw new AssertionError("no step " + id + " in " + ids);
  }

  private static void awaitOutput(TendScript.Started started, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (started.outSoFar().contains(text)) {
        return;
      }
      if (!started.process().isAlive()) {
        throw new AssertionError(
            "./tend ended before printing '" + text + "':\n" + started.await());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + text + "' in 120 s:\n" + started.outSoFar());
  }
}
