package dev.tend.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The published JSON Schema and the parser must agree: the example is valid for both, what the
 * schema rejects the parser rejects, and the schema names exactly the parser's keys, step kinds,
 * trigger kinds and metrics, so editors never suggest something Tend refuses.
 */
class PipelineSchemaTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static Schema schema;
  private static JsonNode tree;

  @BeforeAll
  static void load() throws Exception {
    String text = Files.readString(ROOT.resolve("schemas/pipeline.schema.json"));
    tree = new ObjectMapper().readTree(text);
    schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(text, InputFormat.JSON);
  }

  private static List<Error> validate(String yaml) {
    return schema.validate(yaml, InputFormat.YAML);
  }

  @ParameterizedTest
  @ValueSource(strings = {"pipeline.yaml", "retrain.yaml"})
  void examplesAreValidForSchemaAndParser(String name) throws Exception {
    Path example = ROOT.resolve("examples/flights").resolve(name);
    assertThat(validate(Files.readString(example))).as(name).isEmpty();
    PipelineParser.read(example);
  }

  @Test
  void runnerSettingsAreValidForSchemaAndParser() {
    String yaml =
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
          - id: t
            kind: train
            dataset: flights@production
            label: delay > 15
            features: [distance]
            task: binary
            where: date >= DATE '2001-01-25'
            timeout: 2h
            retries: 10
          - id: e
            kind: evaluate
            needs: [t]
            model: ${steps.t.outputs.model}
            dataset: flights@latest
            champion: flight-delays@production
            where: origin = 'SFO'
        """;
    assertThat(validate(yaml)).isEmpty();
    PipelineParser.parse(yaml, "p.yaml");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "name: p\nstesp: []\n",
        "name: p\nsteps: []\n",
        "steps:\n  - {id: a, kind: command, argv: [x]}\n",
        "name: p\nversion: 2\nsteps:\n  - {id: a, kind: command, argv: [x]}\n",
        "name: p\nsteps:\n  - {id: a, kind: comand, argv: [x]}\n",
        "name: p\nsteps:\n  - {id: a, kind: command, argv: [x], dataset: f@1}\n",
        "name: p\nsteps:\n  - {id: a, kind: validate, dataset: flights}\n",
        "name: p\nsteps:\n  - {id: a, kind: deploy, model: m}\n",
        "name: p\nsteps:\n  - {id: a, kind: deploy, model: m, alias: x, environment: y}\n",
        "name: p\nsteps:\n  - {id: a, kind: deploy, model: m, alias: x, deployment: d}\n",
        "name: p\nsteps:\n  - {id: a, kind: deploy, model: m, environment: dev, rollout:"
            + " {mode: canary}}\n",
        "name: p\nsteps:\n  - {id: a, kind: deploy, model: m, environment: dev, rollout:"
            + " {mode: canary, percent: 10, policy: {promotion: later}}}\n",
        "name: p\nsteps:\n  - {id: A, kind: command, argv: [x]}\n",
        "name: p\nsteps:\n  - {id: t, kind: train, dataset: f@1, label: y, features: [x],"
            + " task: ranking}\n",
        "name: p\nsteps:\n  - {id: t, kind: train, dataset: f@1, label: y, features: [x],"
            + " task: binary, split: {method: time, column: d, date: yesterday}}\n",
        "name: p\nsteps:\n  - {id: e, kind: evaluate, model: m, dataset: f@1}\n",
        "name: p\nsteps:\n  - {id: v, kind: validate, dataset: f@latest, versions: 0}\n",
        "name: p\nsteps:\n  - {id: v, kind: validate, dataset: f@latest, versions: 521}\n",
        "name: p\nsteps:\n  - {id: e, kind: evaluate, model: '${steps.t.outputs.model}',"
            + " dataset: f@1, metrics: [f1_score]}\n",
        "name: p\ntriggers:\n  - {cron: '* * * * *'}\nsteps:\n  - {id: a, kind: command, argv:"
            + " [x]}\n",
        "name: p\nparams:\n  n: {type: int, default: 1}\nsteps:\n  - {id: a, kind: command,"
            + " argv: [x]}\n",
        "name: p\nretries: 11\nsteps:\n  - {id: a, kind: command, argv: [x]}\n",
        "name: p\ntimeout: 90\nsteps:\n  - {id: a, kind: command, argv: [x]}\n",
        "name: p\nretry_backoff: 1.5h\nsteps:\n  - {id: a, kind: command, argv: [x]}\n",
        "name: p\nsteps:\n  - {id: a, kind: command, argv: [x], timeout: 2w}\n",
        "name: p\nsteps:\n  - {id: a, kind: command, argv: [x], retries: -1}\n",
        "name: p\ntriggers:\n  - {dataset_version: flights@3}\nsteps:\n  - {id: a, kind:"
            + " command, argv: [x]}\n",
        "name: p\nsteps:\n  - {id: t, kind: train, dataset: f@1, label: y, features: [x],"
            + " task: binary, where: ' '}\n",
        "name: p\nsteps:\n  - {id: t, kind: train, dataset: f@1, label: y, features: [x],"
            + " task: binary}\n  - {id: e, kind: evaluate, needs: t, model:"
            + " '${steps.t.outputs.model}', dataset: f@1, champion: m}\n",
      })
  void schemaRejectsWhatTheParserRejects(String yaml) {
    assertThat(validate(yaml)).isNotEmpty();
    assertThatThrownBy(() -> PipelineParser.parse(yaml, "p.yaml"))
        .isInstanceOf(PipelineException.class);
  }

  @Test
  void schemaNamesExactlyTheParsersKindsAndKeys() {
    assertThat(names(tree.at("/properties"))).containsExactlyElementsOf(PipelineParser.TOP_KEYS);
    assertThat(names(tree.at("/properties/params/additionalProperties/properties")))
        .containsExactlyInAnyOrderElementsOf(PipelineParser.PARAM_KEYS);
    List<String> triggers = new ArrayList<>();
    tree.at("/properties/triggers/items/oneOf").forEach(t -> triggers.add(t.get("title").asText()));
    assertThat(triggers).containsExactlyElementsOf(PipelineParser.TRIGGER_KINDS);

    List<String> kinds = new ArrayList<>();
    for (JsonNode variant : tree.at("/properties/steps/items/oneOf")) {
      String kind = variant.get("title").asText();
      kinds.add(kind);
      assertThat(variant.at("/properties/kind/const").asText()).isEqualTo(kind);
      List<String> expected = new ArrayList<>(StepKind.COMMON_KEYS);
      expected.addAll(StepKind.of(kind).orElseThrow().keys());
      assertThat(names(variant.get("properties"))).as(kind).containsExactlyElementsOf(expected);
      if (kind.equals("train")) {
        assertThat(names(variant.at("/properties/split/properties")))
            .containsExactlyElementsOf(PipelineParser.SPLIT_KEYS);
      }
      if (kind.equals("deploy")) {
        assertThat(names(variant.at("/properties/rollout/properties")))
            .containsExactlyElementsOf(PipelineParser.ROLLOUT_KEYS);
        assertThat(names(variant.at("/properties/rollout/properties/policy/properties")))
            .containsExactlyElementsOf(PipelineParser.POLICY_KEYS);
      }
      if (kind.equals("evaluate")) {
        List<String> metrics = new ArrayList<>();
        variant.at("/properties/metrics/items/enum").forEach(m -> metrics.add(m.asText()));
        assertThat(metrics).containsExactlyElementsOf(MetricNames.ALL);
      }
    }
    assertThat(kinds).containsExactlyElementsOf(StepKind.labels());
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
