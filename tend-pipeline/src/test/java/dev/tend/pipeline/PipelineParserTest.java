package dev.tend.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.pipeline.GateCondition.Champion;
import dev.tend.pipeline.GateCondition.Comparison;
import dev.tend.pipeline.GateCondition.Constant;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Parsing the flagship example and the typed values the parser builds. */
class PipelineParserTest {
  private static final Path EXAMPLE = Path.of("../examples/flights/pipeline.yaml");

  @Test
  void flagshipExampleParsesIntoTypedSteps() {
    Pipeline pipeline = PipelineParser.read(EXAMPLE);

    assertThat(pipeline.name()).isEqualTo("flight-delays");
    assertThat(pipeline.params()).containsExactly(new Param("max_depth", Param.Type.INTEGER, 6L));
    assertThat(pipeline.triggers())
        .containsExactly(
            new Trigger.OnDatasetVersion("flights", Optional.empty()),
            new Trigger.Schedule(Cron.parse("0 3 * * 1")));
    assertThat(pipeline.retries()).isEqualTo(2);
    assertThat(pipeline.retryBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(pipeline.timeout()).isEqualTo(Duration.ofHours(6));
    assertThat(pipeline.steps())
        .extracting(Step::id)
        .containsExactly("validate", "train", "evaluate", "gate", "register", "deploy");

    Step.Validate validate = (Step.Validate) pipeline.step("validate").orElseThrow().body();
    assertThat(validate.dataset()).isEqualTo(new DatasetRef("flights", "production"));

    Step.Train train = (Step.Train) pipeline.step("train").orElseThrow().body();
    assertThat(train.label()).isEqualTo("delay > 15");
    assertThat(train.features())
        .containsExactly("hour(date)", "day_of_week(date)", "distance", "origin", "destination");
    assertThat(train.task()).isEqualTo(Step.Task.BINARY);
    assertThat(train.split())
        .isEqualTo(
            new Step.Split(
                Step.SplitMethod.TIME,
                Optional.of("date"),
                Optional.of("2001-01-25"),
                OptionalDouble.empty()));
    assertThat(train.hyperparameters())
        .isEqualTo(Map.of("max_depth", "${params.max_depth}", "eta", 0.3, "rounds", 1000L));
    assertThat(train.seed()).hasValue(42);

    Step.Evaluate evaluate = (Step.Evaluate) pipeline.step("evaluate").orElseThrow().body();
    assertThat(evaluate.champion()).contains(new ModelRef("flight-delays", "production"));
    assertThat(evaluate.dataset()).isEqualTo(new DatasetRef("flights", "production"));
    assertThat(evaluate.where()).contains("date >= DATE '2001-01-25'");
    assertThat(train.where()).isEmpty();
    for (Step step : pipeline.steps()) {
      assertThat(step.timeout()).isEqualTo(Duration.ofHours(1));
      assertThat(step.retries()).isEmpty();
      assertThat(pipeline.retriesFor(step)).isEqualTo(2);
    }

    Step.Gate gate = (Step.Gate) pipeline.step("gate").orElseThrow().body();
    assertThat(gate.conditions())
        .containsExactly(
            new GateCondition("auc", Comparison.GREATER_OR_EQUAL, new Constant(0.65)),
            new GateCondition("auc", Comparison.GREATER_OR_EQUAL, new Champion("auc", 0.005)),
            new GateCondition("f1", Comparison.GREATER_OR_EQUAL, new Champion("f1", -0.01)));

    Step.Deploy deploy = (Step.Deploy) pipeline.step("deploy").orElseThrow().body();
    assertThat(deploy.alias()).hasValue("production");
    assertThat(pipeline.step("register").orElseThrow().body())
        .isEqualTo(new Step.Register("flight-delays", "${steps.train.outputs.model}"));
  }

  @Test
  void topologicalOrderPutsNeedsFirstAndKeepsFileOrderForTies() {
    Pipeline pipeline =
        PipelineParser.parse(
            """
            name: p
            steps:
              - {id: report, kind: command, needs: [b, a], argv: [cat]}
              - {id: b, kind: command, needs: [start], argv: [echo, b]}
              - {id: a, kind: command, needs: start, argv: [echo, a]}
              - {id: start, kind: command, argv: [echo, start]}
            """,
            "p.yaml");

    assertThat(pipeline.topologicalOrder())
        .extracting(Step::id)
        .containsExactly("start", "b", "a", "report");
  }

  @Test
  void commandOutputsCanBeReferencedDownstream() {
    Pipeline pipeline =
        PipelineParser.parse(
            """
            name: p
            params:
              rows: {type: integer, default: 100}
            steps:
              - id: make
                kind: command
                argv: [make-data, "--rows=${params.rows}"]
                outputs: {data: out/data.csv}
                env: {LANG: C}
                seed: 11
              - id: train
                kind: command
                needs: [make]
                argv: [train, "${steps.make.outputs.data}"]
                inputs: ["${steps.make.outputs.data}"]
                outputs: {model: out/model.bin}
              - id: register
                kind: register
                needs: [train]
                model: delays
                from: ${steps.train.outputs.model}
            """,
            "p.yaml");

    Step.Command make = (Step.Command) pipeline.step("make").orElseThrow().body();
    assertThat(make.outputs()).isEqualTo(Map.of("data", "out/data.csv"));
    assertThat(make.env()).isEqualTo(Map.of("LANG", "C"));
    assertThat(make.seed()).hasValue(11);
    assertThat(((Step.Command) pipeline.step("train").orElseThrow().body()).seed()).isEmpty();
    assertThat(pipeline.step("train").orElseThrow().needs()).isEqualTo(List.of("make"));
  }

  @Test
  void transitiveNeedsAllowReferences() {
    String text =
        """
        name: p
        steps:
          - {id: train, kind: train, dataset: f@1, label: y, features: [x], task: regression}
          - {id: wait, kind: command, needs: [train], argv: [sleep, "1"]}
          - id: register
            kind: register
            needs: [wait]
            model: m
            from: ${steps.train.outputs.model}
        """;
    assertThat(PipelineParser.parse(text, "p.yaml").steps()).hasSize(3);
  }

  @Test
  void datasetStepsReadARollingWindowOfVersions() {
    Pipeline pipeline =
        PipelineParser.parse(
            """
            name: p
            steps:
              - {id: v, kind: validate, dataset: flights@latest, versions: 4}
              - id: t
                kind: train
                needs: [v]
                dataset: flights@latest
                versions: 520
                label: y
                features: [x]
                task: binary
              - id: e
                kind: evaluate
                needs: [t]
                model: ${steps.t.outputs.model}
                dataset: flights@7
            """,
            "p.yaml");
    Step.Validate validate = (Step.Validate) pipeline.steps().get(0).body();
    Step.Train train = (Step.Train) pipeline.steps().get(1).body();
    Step.Evaluate evaluate = (Step.Evaluate) pipeline.steps().get(2).body();
    assertThat(validate.dataset()).isEqualTo(new DatasetRef("flights", "latest", 4));
    assertThat(train.dataset().versions()).isEqualTo(DatasetRef.MAX_VERSIONS);
    assertThat(evaluate.dataset()).isEqualTo(new DatasetRef("flights", "7"));
    assertThat(evaluate.dataset().versions()).isEqualTo(1);
  }

  @Test
  void aWindowOutsideOneTo520VersionsIsRefusedWhereItIsWritten() {
    for (String bad : List.of("0", "-2", "521", "1.5", "four")) {
      String yaml =
          "name: p\nsteps:\n  - id: v\n    kind: validate\n    dataset: flights@latest\n"
              + "    versions: "
              + bad
              + "\n";
      assertThatThrownBy(() -> PipelineParser.parse(yaml, "p.yaml"))
          .as(bad)
          .isInstanceOf(PipelineException.class)
          .hasMessageContaining("versions")
          .satisfies(
              e -> {
                PipelineException error = (PipelineException) e;
                assertThat(error.location().line()).isEqualTo(6);
                assertThat(error.location().column()).isEqualTo(15);
              });
    }
    assertThatThrownBy(
            () ->
                PipelineParser.parse(
                    "name: p\nsteps:\n  - {id: r, kind: register, model: m, from: x, versions:"
                        + " 2}\n",
                    "p.yaml"))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("unknown key 'versions'");
  }

  @Test
  void randomSplitKeepsItsFraction() {
    Pipeline pipeline =
        PipelineParser.parse(
            """
            name: p
            steps:
              - id: t
                kind: train
                dataset: f@1
                label: y
                features: [x]
                task: multiclass
                split: {method: random, fraction: 0.2}
            """,
            "p.yaml");
    Step.Train train = (Step.Train) pipeline.steps().getFirst().body();
    assertThat(train.split().fraction()).hasValue(0.2);
    assertThat(train.task()).isEqualTo(Step.Task.MULTICLASS);
  }

  @Test
  void retriesTimeoutsFiltersAndAliasTriggersAreRead() {
    Pipeline pipeline =
        PipelineParser.parse(
            """
            name: p
            retries: 0
            retry_backoff: 1m30s
            timeout: 1d
            triggers:
              - dataset_version: flights@production
              - dataset_version: flights
              - schedule: "@daily"
            steps:
              - id: train
                kind: train
                dataset: flights@production
                label: delay > 15
                features: [distance]
                task: binary
                where: date >= DATE '2001-01-25'
                timeout: 2h
                retries: 5
              - id: evaluate
                kind: evaluate
                needs: [train]
                model: ${steps.train.outputs.model}
                dataset: flights@latest
                champion: flight-delays@production
                where: "origin = 'SFO'"
                timeout: 15m
              - id: gate
                kind: gate
                needs: [evaluate]
                evaluation: ${steps.evaluate.outputs.metrics}
                conditions: [auc >= champion.auc]
            """,
            "p.yaml");

    assertThat(pipeline.retries()).isZero();
    assertThat(pipeline.retryBackoff()).isEqualTo(Duration.ofSeconds(90));
    assertThat(pipeline.retryDelay(1)).isEqualTo(Duration.ofSeconds(90));
    assertThat(pipeline.retryDelay(3)).isEqualTo(Duration.ofSeconds(360));
    assertThat(pipeline.timeout()).isEqualTo(Duration.ofDays(1));
    assertThat(pipeline.triggers())
        .containsExactly(
            new Trigger.OnDatasetVersion("flights", Optional.of("production")),
            new Trigger.OnDatasetVersion("flights", Optional.empty()),
            new Trigger.Schedule(Cron.parse("@daily")));

    Step train = pipeline.step("train").orElseThrow();
    assertThat(train.timeout()).isEqualTo(Duration.ofHours(2));
    assertThat(train.retries()).hasValue(5);
    assertThat(pipeline.retriesFor(train)).isEqualTo(5);
    assertThat(((Step.Train) train.body()).where()).contains("date >= DATE '2001-01-25'");

    Step evaluate = pipeline.step("evaluate").orElseThrow();
    assertThat(evaluate.timeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(pipeline.retriesFor(evaluate)).isZero();
    Step.Evaluate body = (Step.Evaluate) evaluate.body();
    assertThat(body.champion()).contains(new ModelRef("flight-delays", "production"));
    assertThat(body.where()).contains("origin = 'SFO'");
  }

  @Test
  void deployStepsReadAnEnvironmentADeploymentAndARollout() {
    Pipeline pipeline =
        PipelineParser.parse(
            """
            name: p
            steps:
              - {id: both, kind: deploy, model: m/1, alias: production, environment: dev}
              - id: canary
                kind: deploy
                model: m/1
                environment: prod
                deployment: delays-live
                rollout:
                  mode: ab
                  percent: 20
                  sticky_key: user_id
                  policy: {window: 5m, min_requests: 50, min_success_rate: 99%, bake: 0,
                           max_quality_drop: 0.02, quality_metric: accuracy, promotion: manual}
            """,
            "p.yaml");
    Step.Deploy both = (Step.Deploy) pipeline.step("both").orElseThrow().body();
    assertThat(both.alias()).hasValue("production");
    assertThat(both.environment()).hasValue("dev");
    assertThat(both.deployment()).isEmpty();
    assertThat(both.rollout()).isEmpty();
    Step.Deploy canary = (Step.Deploy) pipeline.step("canary").orElseThrow().body();
    assertThat(canary.alias()).isEmpty();
    assertThat(canary.deployment()).hasValue("delays-live");
    Step.Rollout rollout = canary.rollout().orElseThrow();
    assertThat(rollout.mode()).isEqualTo("ab");
    assertThat(rollout.percent()).isEqualTo(20);
    assertThat(rollout.stickyKey()).hasValue("user_id");
    assertThat(rollout.policy().window()).hasValue("5m");
    assertThat(rollout.policy().minRequests()).hasValue(50);
    assertThat(rollout.policy().minSuccessRate()).hasValue(0.99);
    assertThat(rollout.policy().maxP99Millis()).isEmpty();
    assertThat(rollout.policy().maxQualityDrop()).hasValue(0.02);
    assertThat(rollout.policy().qualityMetric()).hasValue("accuracy");
    assertThat(rollout.policy().failedWindows()).isEmpty();
    assertThat(rollout.policy().bake()).hasValue("0");
    assertThat(rollout.policy().promotion()).hasValue("manual");
  }

  @Test
  void missingFileIsAClearError() {
    assertThatThrownBy(() -> PipelineParser.read(Path.of("does-not-exist.yaml")))
        .isInstanceOf(PipelineException.class)
        .hasMessage("pipeline file not found");
  }
}
