package dev.tend.server.pipelines;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.artifacts.ManifestEntry;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.pipelines.Claim;
import dev.tend.pipelines.PipelineRun;
import dev.tend.pipelines.PipelineRunStatus;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.server.StoreServices;
import dev.tend.server.TendServer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.datasets.DatasetsApi;
import dev.tend.server.deployments.DeploymentsApi;
import dev.tend.server.deployments.RolloutMonitor;
import dev.tend.server.projects.ProjectsApi;
import dev.tend.server.serving.ServingApi;
import dev.tend.server.serving.TrafficObserver;
import dev.tend.server.training.TrainingService;
import dev.tend.serving.log.PredictionLog;
import dev.tend.serving.log.PredictionLogOptions;
import dev.tend.store.TestDatabase;
import dev.tend.tracking.Run;
import dev.tend.tracking.RunStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pipelines end to end through real HTTP on a server with the real store (SQLite and PostgreSQL),
 * DuckDB, XGBoost and the runner, on the Palmer penguins data: queueing, every in-process step,
 * champion/challenger gates, failures that register nothing, time limits, cancellation, recovery of
 * a run whose process died, and triggers.
 */
@ParameterizedClass
@EnumSource(dev.tend.store.Engine.class)
class PipelineRunsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path PENGUINS = Path.of("../../shared/data/penguins.json");
  static final String PROJECT = "/api/v1/projects/zoo";

  static final String SPECIES =
      """
      version: 1
      name: species
      params:
        depth: {type: integer, default: 3}
        floor: {type: number, default: 0.8}
      steps:
        - id: validate
          kind: validate
          dataset: penguins@latest
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
          segment: Island
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

  @Parameter dev.tend.store.Engine database;
  @TempDir Path dataDir;
  TestDatabase db;
  StoreServices store;
  Engine engine;
  PredictionLog predictions;
  ServingApi serving;
  Pipelines pipelines;
  TendServer server;
  HttpClient client;
  String admin;

  @BeforeEach
  void start() throws Exception {
    db = TestDatabase.create(database);
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
    engine = DuckDbEngines.create();
    predictions =
        PredictionLog.open(
            dataDir.resolve("predictions"), PredictionLogOptions.defaults().withoutMaintenance());
    serving =
        new ServingApi(
            store.projects(),
            store.registry(),
            store.deployments(),
            store.artifacts(),
            dataDir.resolve("models"),
            predictions,
            TrafficObserver.NONE,
            ServingApi.DEFAULT_REFRESH);
    DeploymentsApi deployments =
        new DeploymentsApi(
            store.projects(),
            store.registry(),
            store.deployments(),
            serving.servable(),
            new RolloutMonitor(Clock.systemUTC()),
            serving);
    pipelines =
        new Pipelines(
            new Pipelines.Store(
                store.projects(),
                store.datasets(),
                store.tracking(),
                store.runArtifacts(),
                store.registry(),
                store.artifacts(),
                store.pipelines(),
                store.access(),
                engine,
                store.workDir()),
            new TrainingService(
                store.datasets(),
                store.tracking(),
                store.runArtifacts(),
                store.registry(),
                store.artifacts(),
                engine,
                store.workDir()),
            PipelineRunner.Settings.defaults()
                .withLease(Duration.ofSeconds(2))
                .withPoll(Duration.ofMillis(50)),
            Optional.of(deployments.service()));
    server =
        TendServer.start(
            config,
            store.services(),
            List.of(
                new ProjectsApi(store.projects()),
                new DatasetsApi(
                    store.projects(), store.datasets(), store.artifacts(), engine, store.workDir()),
                pipelines.api(),
                deployments,
                serving));
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    admin = store.bootstrap(Optional.empty()).orElseThrow().plainText();
    json(send("POST", "/api/v1/projects", "{\"name\": \"zoo\"}"), 201);
    json(send("PUT", PROJECT + "/datasets/penguins", null), 201);
    pushPenguins();
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    if (pipelines != null) {
      pipelines.close();
    }
    if (serving != null) {
      serving.close();
    }
    if (predictions != null) {
      predictions.close();
    }
    if (engine != null) {
      engine.close();
    }
    if (store != null) {
      store.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void aRunTrainsEvaluatesGatesRegistersAndDeploysAndIsATrackedRun() throws Exception {
    pipelines.start(Optional.empty());
    JsonNode queued = json(send("POST", PROJECT + "/pipeline-runs", runBody(SPECIES)), 202);
    assertThat(queued.get("status").asText()).isEqualTo("queued");
    assertThat(queued.get("steps").findValuesAsText("id"))
        .containsExactly("validate", "train", "evaluate", "gate", "register", "deploy");

    JsonNode run = await(queued.get("id").asText());

    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("succeeded");
    assertThat(run.get("code_version").asText()).isEqualTo("abc123");
    for (JsonNode step : run.get("steps")) {
      assertThat(step.get("status").asText()).isEqualTo("succeeded");
      assertThat(step.get("attempts").asInt()).isEqualTo(1);
      assertThat(step.get("wall_seconds").asDouble()).isGreaterThanOrEqualTo(0);
    }
    JsonNode train = step(run, "train");
    assertThat(train.get("cpu_seconds").asDouble()).isPositive();
    assertThat(train.get("peak_memory_bytes").asLong()).isPositive();
    JsonNode evaluate = step(run, "evaluate").get("outputs");
    assertThat(evaluate.at("/metrics/candidate/accuracy").asDouble()).isBetween(0.8, 1.0);
    assertThat(evaluate.at("/metrics/champion").isMissingNode()).isTrue();
    assertThat(evaluate.at("/report/segments").size()).isEqualTo(3);
    JsonNode decision = step(run, "gate").at("/outputs/decision");
    assertThat(decision.get("passed").asBoolean()).isTrue();
    assertThat(decision.at("/conditions/1/note").asText()).contains("no champion");

    RegisteredModel model = store.registry().model(projectId(), "species").orElseThrow();
    ModelVersion version = store.registry().versionByAlias(model.id(), "production").orElseThrow();
    assertThat(version.version()).isEqualTo(1);
    assertThat(version.tags())
        .containsEntry("tend.pipeline", "species")
        .containsEntry("tend.pipeline.run", run.get("id").asText())
        .containsEntry("mlflow.source.git.commit", "abc123");
    assertThat(version.runId()).contains(train.at("/outputs/run_id").asText());
    assertThat(version.datasetVersionId()).isPresent();

    Run tracked = store.tracking().run(run.get("tracking_run_id").asText()).orElseThrow();
    assertThat(tracked.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(tracked.params()).containsEntry("depth", "3");
    assertThat(tracked.tags())
        .containsEntry("tend.pipeline", "species")
        .containsEntry("mlflow.source.git.commit", "abc123")
        .containsKey("tend.gate.gate");
    assertThat(tracked.latestMetrics().stream().map(m -> m.key()))
        .contains(
            "step.train.wall_seconds",
            "step.train.cpu_seconds",
            "step.train.peak_memory_mb",
            "evaluate.candidate.accuracy",
            "gate.gate.passed");
    assertThat(store.runArtifacts().files(tracked.info().runId()).stream().map(ManifestEntry::path))
        .contains("logs/train.log", "logs/deploy.log");
    Run child = store.tracking().run(train.at("/outputs/run_id").asText()).orElseThrow();
    assertThat(child.tags()).containsEntry("mlflow.parentRunId", tracked.info().runId());

    JsonNode logs =
        json(
            send("GET", PROJECT + "/pipeline-runs/" + run.get("id").asText() + "/logs", null), 200);
    assertThat(logs.get("finished").asBoolean()).isTrue();
    assertThat(logs.get("lines").findValuesAsText("text"))
        .anyMatch(t -> t.startsWith("trained "))
        .anyMatch(t -> t.contains("species@production now points at version 1"));
  }

  @Test
  void aSecondRunMeetsTheChampionOnTheSameRowsAndRetrainsIdentically() throws Exception {
    pipelines.start(Optional.empty());
    JsonNode first = await(json(send("POST", PROJECT + "/pipeline-runs", runBody(SPECIES)), 202));
    JsonNode second = await(json(send("POST", PROJECT + "/pipeline-runs", runBody(SPECIES)), 202));

    assertThat(second.get("status").asText()).as(second.toString()).isEqualTo("succeeded");
    JsonNode metrics = step(second, "evaluate").at("/outputs/metrics");
    assertThat(metrics.get("champion_version").asText()).isEqualTo("species/1");
    // The same inputs and seed give the same model: the champion scores exactly like the candidate.
    assertThat(metrics.get("champion")).isEqualTo(metrics.get("candidate"));
    JsonNode condition = step(second, "gate").at("/outputs/decision/conditions/1");
    assertThat(condition.get("champion").asDouble())
        .isEqualTo(metrics.at("/champion/accuracy").asDouble());
    assertThat(condition.get("passed").asBoolean()).isTrue();
    assertThat(sha(step(first, "train")))
        .isEqualTo(sha(step(second, "train")))
        .as("model.ubj of both runs");
    RegisteredModel model = store.registry().model(projectId(), "species").orElseThrow();
    assertThat(store.registry().versionByAlias(model.id(), "production").orElseThrow().version())
        .isEqualTo(2);
  }

  @Test
  void aGateThatDoesNotPassStopsTheRunAndRegistersNothing() throws Exception {
    pipelines.start(Optional.empty());
    String strict = SPECIES.replace("accuracy >= 0.8", "accuracy >= 0.9999");

    JsonNode run = await(json(send("POST", PROJECT + "/pipeline-runs", runBody(strict)), 202));

    assertThat(run.get("status").asText()).isEqualTo("failed");
    assertThat(run.get("reason").asText())
        .startsWith("step 'gate' failed: gate not passed: accuracy >= 0.9999 (candidate");
    assertThat(step(run, "gate").get("attempts").asInt()).isEqualTo(1);
    assertThat(step(run, "register").get("status").asText()).isEqualTo("skipped");
    assertThat(step(run, "deploy").get("status").asText()).isEqualTo("skipped");
    assertThat(store.registry().model(projectId(), "species")).isEmpty();
    Run tracked = store.tracking().run(run.get("tracking_run_id").asText()).orElseThrow();
    assertThat(tracked.info().status()).isEqualTo(RunStatus.FAILED);
    assertThat(tracked.tags().get("tend.gate.gate")).contains("\"passed\":false");
  }

  @Test
  void aMissingColumnFailsTheTrainStepWithItsReasonAndNoRetry() throws Exception {
    pipelines.start(Optional.empty());
    String wrong = SPECIES.replace("\"`Beak Depth (mm)`\"", "Wingspan");

    JsonNode run = await(json(send("POST", PROJECT + "/pipeline-runs", runBody(wrong)), 202));

    assertThat(run.get("status").asText()).isEqualTo("failed");
    assertThat(run.get("reason").asText())
        .startsWith("step 'train' failed: ")
        .contains("'Wingspan' is not in the dataset");
    assertThat(step(run, "train").get("attempts").asInt()).isEqualTo(1);
    assertThat(store.registry().model(projectId(), "species")).isEmpty();
  }

  @Test
  void aStepOverItsTimeLimitIsStoppedAndTheRunFails() throws Exception {
    pipelines.start(Optional.empty());
    String slow =
        """
        version: 1
        name: slow
        steps:
          - id: wait
            kind: command
            argv: [/bin/sh, -c, "sleep 30"]
            timeout: 1s
        """;
    long start = System.nanoTime();

    JsonNode run = await(json(send("POST", PROJECT + "/pipeline-runs", runBody(slow)), 202));

    assertThat(run.get("status").asText()).isEqualTo("failed");
    assertThat(run.get("reason").asText()).contains("exceeded its time limit of 1s");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void aCommandThatWritesNoModelFailsWithTheContractInItsReason() throws Exception {
    pipelines.start(Optional.empty());
    String lazy =
        """
        version: 1
        name: lazy
        steps:
          - id: fit
            kind: command
            argv: [/bin/sh, -c, "echo fitting; echo oops >&2"]
            outputs: {model: model}
          - id: register
            kind: register
            needs: [fit]
            model: lazy
            from: ${steps.fit.outputs.model}
        """;

    JsonNode run = await(json(send("POST", PROJECT + "/pipeline-runs", runBody(lazy)), 202));

    assertThat(run.get("status").asText()).isEqualTo("failed");
    assertThat(run.get("reason").asText()).contains("wrote no 'model'");
    assertThat(store.registry().model(projectId(), "lazy")).isEmpty();
    JsonNode logs =
        json(
            send("GET", PROJECT + "/pipeline-runs/" + run.get("id").asText() + "/logs", null), 200);
    assertThat(logs.get("lines").findValuesAsText("text")).contains("fitting", "oops");
    assertThat(logs.get("lines").findValuesAsText("stream")).contains("stdout", "stderr");
  }

  @Test
  void aCommandThatExitsNonZeroIsRetriedAndItsOwnUseRecorded() throws Exception {
    pipelines.start(Optional.empty());
    Path marker = dataDir.resolve("first-attempt-done");
    String flaky =
        """
        version: 1
        name: flaky
        retries: 1
        retry_backoff: 1s
        steps:
          - id: fit
            kind: command
            seed: 7
            argv: [/bin/sh, -c, "if [ -f MARKER ]; then echo second $TEND_SEED; tr -d ' \\n' < $TEND_PARAMS | grep -o '\\"seed\\":7'; else touch MARKER; echo boom >&2; sleep 0.3; exit 3; fi"]
        """
            .replace("MARKER", marker.toString());

    JsonNode run = await(json(send("POST", PROJECT + "/pipeline-runs", runBody(flaky)), 202));

    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("succeeded");
    assertThat(step(run, "fit").get("attempts").asInt()).isEqualTo(2);
    JsonNode logs =
        json(
            send("GET", PROJECT + "/pipeline-runs/" + run.get("id").asText() + "/logs", null), 200);
    assertThat(logs.get("lines").findValuesAsText("text"))
        .contains("boom", "second 7", "\"seed\":7")
        .anyMatch(t -> t.startsWith("retrying step 'fit' in 1s (attempt 2 of 2)"));

    String failing =
        flaky.replace("retries: 1", "retries: 0").replace("name: flaky", "name: broken");
    Files.delete(marker);
    JsonNode failed = await(json(send("POST", PROJECT + "/pipeline-runs", runBody(failing)), 202));
    assertThat(failed.get("reason").asText())
        .contains("exited with status 3")
        .contains("boom")
        .endsWith("(after 1 attempts)");
    // The figures are the program's, not the server's: a shell uses far less than the JVM.
    assertThat(step(failed, "fit").get("peak_memory_bytes").asLong())
        .isPositive()
        .isLessThan(50L * 1024 * 1024);
  }

  @Test
  void cancellingStopsARunningCommand() throws Exception {
    pipelines.start(Optional.empty());
    String slow =
        """
        version: 1
        name: slow
        steps:
          - id: wait
            kind: command
            argv: [/bin/sh, -c, "echo started; sleep 60"]
          - id: after
            kind: command
            needs: [wait]
            argv: [/bin/true]
        """;
    String id =
        json(send("POST", PROJECT + "/pipeline-runs", runBody(slow)), 202).get("id").asText();
    awaitLog(id, "started");

    json(send("POST", PROJECT + "/pipeline-runs/" + id + "/cancel", "{}"), 202);
    JsonNode run = await(id);

    assertThat(run.get("status").asText()).isEqualTo("cancelled");
    assertThat(step(run, "wait").get("status").asText()).isEqualTo("cancelled");
    assertThat(step(run, "after").get("status").asText()).isEqualTo("skipped");
  }

  @Test
  void aRunWhoseProcessDiedIsTakenOverAndItsInterruptedStepRetried() throws Exception {
    String two =
        """
        version: 1
        name: two
        retry_backoff: 1s
        steps:
          - id: first
            kind: command
            argv: [/bin/true]
          - id: second
            kind: command
            needs: [first]
            argv: [/bin/sh, -c, "echo second ran"]
        """;
    String id =
        json(send("POST", PROJECT + "/pipeline-runs", runBody(two)), 202).get("id").asText();
    // A process that claims the run, starts its first step and dies without a word.
    Claim claim =
        store
            .pipelines()
            .claimNext("dead-process", Instant.now(), Duration.ofMillis(500))
            .orElseThrow();
    assertThat(claim.run().id()).isEqualTo(id);
    store.pipelines().startStep(id, "dead-process", "first", Instant.now());

    pipelines.start(Optional.empty());
    JsonNode run = await(id);

    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("succeeded");
    assertThat(step(run, "first").get("attempts").asInt()).isEqualTo(2);
    assertThat(step(run, "second").get("attempts").asInt()).isEqualTo(1);
    JsonNode logs = json(send("GET", PROJECT + "/pipeline-runs/" + id + "/logs", null), 200);
    assertThat(logs.get("lines").findValuesAsText("text"))
        .anyMatch(t -> t.startsWith("interrupted: the server running it stopped"))
        .contains("second ran");
  }

  @Test
  void deployStepsServeTheVersionInAnEnvironmentThenRollOutTheNextOnceAcrossRuns()
      throws Exception {
    pipelines.start(Optional.empty());
    String toDev = SPECIES.replace("alias: production", "alias: production\n    environment: dev");
    JsonNode first = await(json(send("POST", PROJECT + "/pipeline-runs", runBody(toDev)), 202));
    assertThat(first.get("status").asText()).as(first.toString()).isEqualTo("succeeded");
    JsonNode deployed = step(first, "deploy").get("outputs");
    assertThat(deployed.get("deployment").asText()).isEqualTo("species-dev");
    assertThat(deployed.get("environment").asText()).isEqualTo("dev");
    assertThat(deployed.get("version").asInt()).isEqualTo(1);
    assertThat(deployed.has("previous_version")).isFalse();
    assertThat(deployed.get("revision").asInt()).isEqualTo(1);
    assertThat(deployed.get("rollout").asText()).isEqualTo("none");
    RegisteredModel species = store.registry().model(projectId(), "species").orElseThrow();
    assertThat(store.registry().versionByAlias(species.id(), "production").orElseThrow().version())
        .isEqualTo(1);
    JsonNode shown = json(send("GET", PROJECT + "/deployments/species-dev", null), 200);
    assertThat(shown.at("/deployment/environment").asText()).isEqualTo("dev");
    assertThat(shown.at("/deployment/version").asInt()).isEqualTo(1);
    assertThat(shown.at("/deployment/updated_by").asText()).isEqualTo("admin");
    assertThat(shown.at("/deployment/reason").asText()).contains("pipeline species run");
    ObjectNode inputs = JSON.createObjectNode();
    inputs
        .putObject("inputs")
        .put("Island", "Biscoe")
        .put("Beak Length (mm)", 48.7)
        .put("Beak Depth (mm)", 15.1)
        .put("Flipper Length (mm)", 222);
    JsonNode answer =
        json(send("POST", "/api/v1/deployments/species-dev/predict", inputs.toString()), 200);
    assertThat(answer.get("version").asText()).isEqualTo("1");
    String same =
        """
        name: same
        steps:
          - {id: deploy, kind: deploy, model: species/1, environment: dev}
        """;
    JsonNode repeat = await(json(send("POST", PROJECT + "/pipeline-runs", runBody(same)), 202));
    assertThat(repeat.get("status").asText()).as(repeat.toString()).isEqualTo("succeeded");
    assertThat(step(repeat, "deploy").at("/outputs/revision").asInt()).isEqualTo(1);
    assertThat(step(repeat, "deploy").at("/outputs/previous_version").isMissingNode()).isTrue();

    String canary =
        SPECIES.replace(
            "alias: production",
            "environment: dev\n    rollout: {mode: canary, percent: 20,"
                + " policy: {window: 5m, promotion: manual}}");
    JsonNode second = await(json(send("POST", PROJECT + "/pipeline-runs", runBody(canary)), 202));
    assertThat(second.get("status").asText()).as(second.toString()).isEqualTo("succeeded");
    JsonNode rolled = step(second, "deploy").get("outputs");
    assertThat(rolled.get("version").asInt()).isEqualTo(2);
    assertThat(rolled.get("previous_version").asInt()).isEqualTo(1);
    assertThat(rolled.get("revision").asInt()).isEqualTo(2);
    assertThat(rolled.at("/rollout/mode").asText()).isEqualTo("canary");
    assertThat(rolled.at("/rollout/percent").asInt()).isEqualTo(20);
    shown = json(send("GET", PROJECT + "/deployments/species-dev", null), 200);
    assertThat(shown.at("/deployment/traffic/candidate/version").asInt()).isEqualTo(2);
    assertThat(shown.at("/deployment/traffic/stable/percent").asInt()).isEqualTo(80);
    assertThat(shown.at("/rollout/policy/window").asText()).isEqualTo("5m");
    assertThat(shown.at("/rollout/policy/promotion").asText()).isEqualTo("manual");

    // Deploying what the deployment already does, as a retried step would, changes nothing.
    String again =
        """
        name: again
        steps:
          - id: deploy
            kind: deploy
            model: species/2
            environment: dev
            rollout: {mode: canary, percent: 20}
        """;
    JsonNode third = await(json(send("POST", PROJECT + "/pipeline-runs", runBody(again)), 202));
    assertThat(third.get("status").asText()).as(third.toString()).isEqualTo("succeeded");
    assertThat(step(third, "deploy").at("/outputs/revision").asInt()).isEqualTo(2);
    assertThat(step(third, "deploy").at("/outputs/rollout/percent").asInt()).isEqualTo(20);
    assertThat(step(third, "deploy").at("/outputs/previous_version").asInt()).isEqualTo(1);
    assertThat(store.deployments().history("species-dev")).hasSize(2);
  }

  @Test
  void anEditorsRunMayNotDeployToProdAndMovesNoAlias() throws Exception {
    pipelines.start(Optional.empty());
    var access = store.access();
    var editor = access.createPrincipal("eddie", false, "admin");
    access.grant(projectId(), editor.id(), dev.tend.access.Role.EDITOR, "admin");
    String token = access.createToken(editor.id(), "test", "admin").plainText();
    String toProd =
        SPECIES.replace("alias: production", "alias: production\n    environment: prod");

    JsonNode run =
        await(json(send("POST", PROJECT + "/pipeline-runs", runBody(toProd), token), 202));

    assertThat(run.get("status").asText()).isEqualTo("failed");
    assertThat(step(run, "deploy").get("status").asText()).isEqualTo("failed");
    assertThat(run.get("reason").asText())
        .contains("deploying to prod needs the maintainer role in project 'zoo'")
        .contains("eddie");
    RegisteredModel species = store.registry().model(projectId(), "species").orElseThrow();
    assertThat(store.registry().versionByAlias(species.id(), "production")).isEmpty();
    assertThat(store.deployments().get("species-prod")).isEmpty();
  }

  @Test
  void badPipelinesAndParamsAre422sThatQueueNothing() throws Exception {
    JsonNode invalid =
        json(
            send(
                "POST",
                PROJECT + "/pipeline-runs",
                runBody(SPECIES.replace("kind: gate", "kind: gait"))),
            422);
    assertThat(invalid.toString()).contains("pipeline.yaml:").contains("gait");
    JsonNode param =
        json(
            send(
                "POST",
                PROJECT + "/pipeline-runs",
                JSON.createObjectNode()
                    .put("yaml", SPECIES)
                    .set("params", JSON.createObjectNode().put("depth", "deep"))
                    .toString()),
            422);
    assertThat(param.toString()).contains("param 'depth' must be integer, not 'deep'");
    json(
        send(
            "POST",
            PROJECT + "/pipeline-runs",
            JSON.createObjectNode()
                .put("yaml", SPECIES)
                .set("params", JSON.createObjectNode().put("width", "3"))
                .toString()),
        422);
    JsonNode missing =
        json(
            send(
                "POST",
                PROJECT + "/pipeline-runs",
                runBody(SPECIES.replace("penguins@latest", "puffins@latest"))),
            422);
    assertThat(missing.toString()).contains("dataset 'puffins'");
    JsonNode suite =
        json(
            send(
                "POST",
                PROJECT + "/pipeline-runs",
                runBody(
                    SPECIES.replace(
                        "dataset: penguins@latest\n  - id: train",
                        "dataset: penguins@latest\n    suite: suite.yaml\n  - id: train"))),
            422);
    assertThat(suite.toString()).contains("suite.yaml");
    json(send("GET", PROJECT + "/pipeline-runs/" + "0".repeat(26), null), 404);
    assertThat(json(send("GET", PROJECT + "/pipeline-runs", null), 200).get("items")).isEmpty();
  }

  @Test
  void onlyMaintainersMayQueueOrStorePipelinesWithCommandSteps() throws Exception {
    var access = store.access();
    var editor = access.createPrincipal("eddie", false, "admin");
    access.grant(projectId(), editor.id(), dev.tend.access.Role.EDITOR, "admin");
    String token = access.createToken(editor.id(), "test", "admin").plainText();
    String command =
        """
        version: 1
        name: shell
        steps:
          - id: run
            kind: command
            argv: [/bin/true]
        """;

    JsonNode refused = json(send("POST", PROJECT + "/pipeline-runs", runBody(command), token), 403);
    assertThat(refused.get("detail").asText()).contains("maintainer role");
    json(
        send(
            "PUT",
            PROJECT + "/pipelines/shell",
            JSON.createObjectNode().put("yaml", command).toString(),
            token),
        403);
    json(send("POST", PROJECT + "/pipeline-runs", runBody(SPECIES), token), 202);
    assertThat(
            store
                .pipelines()
                .runs(projectId(), Optional.of("shell"), Optional.empty(), 10, Optional.empty())
                .items())
        .isEmpty();
  }

  @Test
  void storedPipelinesRunOnDatasetMovesAndSchedulesOncePerEvent() throws Exception {
    String triggered =
        SPECIES.replace(
            "params:",
            "triggers:\n  - dataset_version: penguins\n  - schedule: \"0 3 * * *\"\nparams:");
    JsonNode applied =
        json(
            send(
                "PUT",
                PROJECT + "/pipelines/species",
                JSON.createObjectNode().put("yaml", triggered).toString()),
            201);
    assertThat(applied.get("version").asInt()).isEqualTo(1);
    json(
        send(
            "PUT",
            PROJECT + "/pipelines/species",
            JSON.createObjectNode().put("yaml", triggered).toString()),
        200);
    PipelineTriggers triggers = pipelines.triggers();
    Instant monday = Instant.parse("2026-11-30T02:30:00Z");

    assertThat(triggers.check(monday))
        .as("the first look only records where triggers are")
        .isEmpty();
    assertThat(triggers.check(monday)).isEmpty();
    pushPenguinsAgain();
    List<PipelineRun> onPush = triggers.check(monday);
    assertThat(onPush)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.trigger().detail()).isEqualTo("penguins@latest moved to version 2");
            });
    assertThat(triggers.check(monday)).isEmpty();
    List<PipelineRun> scheduled = triggers.check(Instant.parse("2026-12-02T03:10:00Z"));
    assertThat(scheduled)
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.trigger().detail())
                    .isEqualTo("schedule '0 3 * * *' at 2026-12-02T03:00:00Z"));
    assertThat(triggers.check(Instant.parse("2026-12-02T03:20:00Z"))).isEmpty();
    assertThat(
            store
                .pipelines()
                .runs(projectId(), Optional.of("species"), Optional.empty(), 100, Optional.empty())
                .items())
        .hasSize(2)
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(PipelineRunStatus.QUEUED));
    assertThat(triggers.alertFired(projectId(), "accuracy-drop", "incident-1")).isEmpty();

    String onAlert =
        SPECIES
            .replace("name: species", "name: retrain")
            .replace("params:", "triggers:\n  - alert: accuracy-drop\nparams:");
    json(
        send(
            "PUT",
            PROJECT + "/pipelines/retrain",
            JSON.createObjectNode().put("yaml", onAlert).toString()),
        201);
    List<PipelineRun> fired = triggers.alertFired(projectId(), "accuracy-drop", "incident-7");
    assertThat(fired)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.pipelineName()).isEqualTo("retrain");
              assertThat(r.trigger().detail()).contains("incident-7");
            });
    assertThat(triggers.alertFired(projectId(), "accuracy-drop", "incident-7"))
        .singleElement()
        .satisfies(r -> assertThat(r.id()).isEqualTo(fired.getFirst().id()));
    assertThat(triggers.alertFired(projectId(), "latency", "incident-8")).isEmpty();
  }

  @Test
  void aRollingWindowTrainsOnTheNewestAcceptedVersionsAndSkipsARejectedOne() throws Exception {
    json(
        send(
            "PUT",
            PROJECT + "/datasets/weekly",
            JSON.createObjectNode()
                .put(
                    "suite",
                    "version: 1\nchecks:\n  - between: {column: x, min: -100, max: 100}\n"
                        + "    name: x in range\n")
                .toString()),
        201);
    assertThat(pushWeekly(weekly(0, 200, false), "week1.csv")).isEqualTo("accepted");
    assertThat(pushWeekly(weekly(200, 150, true), "week2.csv")).isEqualTo("rejected");
    assertThat(pushWeekly(weekly(350, 100, false), "week3.csv")).isEqualTo("accepted");
    String yaml =
        """
        name: weekly
        steps:
          - {id: validate, kind: validate, dataset: weekly@latest, versions: 3}
          - id: train
            kind: train
            needs: [validate]
            dataset: weekly@latest
            versions: 3
            label: y
            features: [x]
            task: binary
            split: {method: random, fraction: 0.2}
            hyperparameters: {rounds: 5}
            seed: 3
          - id: evaluate
            kind: evaluate
            needs: [train]
            model: ${steps.train.outputs.model}
            dataset: weekly@latest
            versions: 3
          - {id: register, kind: register, needs: [evaluate], model: weekly, from:         "${steps.train.outputs.model}"}
        """;
    pipelines.start(Optional.empty());

    JsonNode run = await(json(send("POST", PROJECT + "/pipeline-runs", runBody(yaml)), 202));

    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("succeeded");
    JsonNode report = step(run, "validate").at("/outputs/report");
    assertThat(report.get("rows").asLong()).isEqualTo(300);
    assertThat(texts(report.get("dataset_versions"))).containsExactly("weekly@1", "weekly@3");
    JsonNode train = step(run, "train").get("outputs");
    assertThat(train.get("dataset").asText()).isEqualTo("weekly@3");
    assertThat(texts(train.get("dataset_versions"))).containsExactly("weekly@1", "weekly@3");
    assertThat(train.get("versions_requested").asInt()).isEqualTo(3);
    assertThat(train.at("/skipped_versions/0/version").asText()).isEqualTo("weekly@2");
    assertThat(train.at("/skipped_versions/0/status").asText()).isEqualTo("rejected");
    assertThat(train.get("dataset_rows").asLong()).isEqualTo(300);
    Run child = store.tracking().run(train.get("run_id").asText()).orElseThrow();
    assertThat(child.params())
        .containsEntry("dataset_versions", "weekly@1,3")
        .containsEntry("dataset_rows", "300");
    long read =
        java.util.stream.Stream.of("train_rows", "validation_rows", "test_rows", "skipped_rows")
            .mapToLong(k -> Long.parseLong(child.params().get(k)))
            .sum();
    assertThat(read).isEqualTo(300);
    JsonNode metrics = step(run, "evaluate").at("/outputs/metrics");
    assertThat(metrics.get("rows").asLong() + metrics.get("skipped_rows").asLong()).isEqualTo(300);
    assertThat(texts(metrics.get("dataset_versions"))).containsExactly("weekly@1", "weekly@3");
    JsonNode logs =
        json(
            send("GET", PROJECT + "/pipeline-runs/" + run.get("id").asText() + "/logs", null), 200);
    assertThat(logs.get("lines").findValuesAsText("text"))
        .contains(
            "window of weekly@latest: 2 of 3 accepted versions (weekly@1, weekly@3); no older"
                + " ones exist",
            "skipped weekly@2: rejected");

    RegisteredModel model = store.registry().model(projectId(), "weekly").orElseThrow();
    ModelVersion version = store.registry().version(model.id(), 1).orElseThrow();
    String weekly = store.datasets().find(projectId(), "weekly").orElseThrow().id();
    assertThat(version.datasetVersionId())
        .contains(store.datasets().version(weekly, 3).orElseThrow().id());
    for (String[] user :
        List.of(
            new String[] {"run", child.info().runId()},
            new String[] {"run", run.get("tracking_run_id").asText()},
            new String[] {"model_version", version.id()})) {
      assertThat(store.datasets().usedBy(user[0], user[1]))
          .as(user[0] + " " + user[1])
          .extracting(v -> v.datasetName() + "@" + v.versionNumber())
          .containsExactlyInAnyOrder("weekly@1", "weekly@3");
    }
  }

  @Test
  void aWindowOfVersionsWithDifferentSchemasFailsNamingThem() throws Exception {
    json(send("PUT", PROJECT + "/datasets/weekly", null), 201);
    pushWeekly(weekly(0, 50, false), "week1.csv");
    String withZ =
        weekly(50, 50, false)
            .lines()
            .map(line -> line.equals("x,y") ? "x,y,z" : line + ",1")
            .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    pushWeekly(withZ, "week2.csv");
    String yaml =
        """
        name: weekly
        steps:
          - {id: validate, kind: validate, dataset: weekly@latest, versions: 2}
        """;
    pipelines.start(Optional.empty());

    JsonNode run = await(json(send("POST", PROJECT + "/pipeline-runs", runBody(yaml)), 202));

    assertThat(run.get("status").asText()).isEqualTo("failed");
    assertThat(run.get("reason").asText())
        .contains("the versions of a window must have one schema")
        .contains("compared with weekly@2: weekly@1 lacks z");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /* Rows x in [-50, 50] with y = x > 0; a bad week has one x far out of the suite's range. */
  private static String weekly(int from, int rows, boolean bad) {
    StringBuilder csv = new StringBuilder("x,y\n");
    for (int i = from; i < from + rows; i++) {
      int x = (i * 37) % 101 - 50;
      if (bad && i == from) {
        x = 9999;
      }
      csv.append(x).append(',').append(x > 0 ? 1 : 0).append('\n');
    }
    return csv.toString();
  }

  /** Pushes a file as a new version of {@code weekly}; returns its status. */
  private String pushWeekly(String csv, String name) throws Exception {
    return push(csv.getBytes(java.nio.charset.StandardCharsets.UTF_8), name, "weekly")
        .get("status")
        .asText();
  }

  private String projectId() {
    return store.projects().findByName("zoo").orElseThrow().id();
  }

  private static String runBody(String yaml) {
    return JSON.createObjectNode().put("yaml", yaml).put("code_version", "abc123").toString();
  }

  private JsonNode await(JsonNode queued) throws Exception {
    return await(queued.get("id").asText());
  }

  private JsonNode await(String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode run = json(send("GET", PROJECT + "/pipeline-runs/" + id, null), 200);
      String status = run.get("status").asText();
      if (!status.equals("queued") && !status.equals("running")) {
        return run;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("pipeline run " + id + " did not finish in 120 s");
  }

  private void awaitLog(String id, String text) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode logs = json(send("GET", PROJECT + "/pipeline-runs/" + id + "/logs", null), 200);
      if (logs.get("lines").findValuesAsText("text").contains(text)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no log line '" + text + "' in 60 s");
  }

  private static JsonNode step(JsonNode run, String id) {
    for (JsonNode step : run.get("steps")) {
      if (step.get("id").asText().equals(id)) {
        return step;
      }
    }
    throw new AssertionError("no step " + id + " in " + run);
  }

  private String sha(JsonNode trainStep) {
    String runId = trainStep.at("/outputs/run_id").asText();
    return store.runArtifacts().file(runId, "model/model.ubj").orElseThrow().sha256();
  }

  private void pushPenguins() throws Exception {
    push(Files.readAllBytes(PENGUINS), "penguins.json");
  }

  /* The same rows again, reordered, as a new version. */
  private void pushPenguinsAgain() throws Exception {
    List<Map<String, Object>> rows =
        JSON.readValue(PENGUINS.toFile(), new com.fasterxml.jackson.core.type.TypeReference<>() {});
    java.util.Collections.reverse(rows);
    push(JSON.writeValueAsBytes(rows), "penguins.json");
  }

  private void push(byte[] content, String name) throws Exception {
    push(content, name, "penguins");
  }

  private JsonNode push(byte[] content, String name, String dataset) throws Exception {
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    HttpResponse<String> blob =
        client.send(
            request("/api/v1/blobs/" + sha)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content))
                .build(),
            BodyHandlers.ofString());
    assertThat(blob.statusCode()).isIn(200, 201);
    ObjectNode version = JSON.createObjectNode();
    version
        .putArray("files")
        .addObject()
        .put("path", name)
        .put("size", content.length)
        .put("sha256", sha);
    return json(
        send(
            "POST",
            PROJECT + "/datasets/" + dataset + "/versions",
            JSON.writeValueAsString(version)),
        201);
  }

  private HttpRequest.Builder request(String path) {
    return request(path, admin);
  }

  private HttpRequest.Builder request(String path, String token) {
    return HttpRequest.newBuilder(URI.create(server.uri() + path))
        .timeout(Duration.ofSeconds(120))
        .header("Authorization", "Bearer " + token);
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return send(method, path, body, admin);
  }

  private HttpResponse<String> send(String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder request =
        request(path, token)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return client.send(request.build(), BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }
}
