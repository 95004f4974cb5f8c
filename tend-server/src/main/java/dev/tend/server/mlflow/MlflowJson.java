package dev.tend.server.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.tracking.Experiment;
import dev.tend.tracking.Metric;
import dev.tend.tracking.Run;
import dev.tend.tracking.RunInfo;
import dev.tend.tracking.RunInput;
import java.util.Map;

/**
 * Writes MLflow's response JSON: snake_case names, ids as strings, 64-bit times as numbers (as
 * MLflow's server writes them) and non-finite doubles as {@code "NaN"}, {@code "Infinity"} or
 * {@code "-Infinity"} (as protobuf's JSON mapping does).
 */
final class MlflowJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private MlflowJson() {}

  static ObjectNode object() {
    return NODES.objectNode();
  }

  static ObjectNode experiment(Experiment e) {
    ObjectNode node = NODES.objectNode();
    node.put("experiment_id", e.idText());
    node.put("name", e.name());
    node.put("artifact_location", e.artifactLocation());
    node.put("lifecycle_stage", e.lifecycleStage().label());
    node.put("last_update_time", e.lastUpdateTime());
    node.put("creation_time", e.creationTime());
    keyValues(node.putArray("tags"), e.tags());
    return node;
  }

  static ObjectNode runInfo(RunInfo info) {
    ObjectNode node = NODES.objectNode();
    node.put("run_id", info.runId());
    node.put("run_uuid", info.runId());
    node.put("run_name", info.runName());
    node.put("experiment_id", Long.toString(info.experimentId()));
    info.userId().ifPresent(u -> node.put("user_id", u));
    node.put("status", info.status().name());
    node.put("start_time", info.startTime());
    info.endTime().ifPresent(t -> node.put("end_time", t));
    node.put("artifact_uri", info.artifactUri());
    node.put("lifecycle_stage", info.lifecycleStage().label());
    return node;
  }

  static ObjectNode run(Run run) {
    ObjectNode node = NODES.objectNode();
    node.set("info", runInfo(run.info()));
    ObjectNode data = node.putObject("data");
    ArrayNode metrics = data.putArray("metrics");
    run.latestMetrics().forEach(m -> metrics.add(metric(m)));
    keyValues(data.putArray("params"), run.params());
    keyValues(data.putArray("tags"), run.tags());
    ArrayNode inputs = node.putObject("inputs").putArray("dataset_inputs");
    run.inputs().forEach(i -> inputs.add(input(i)));
    return node;
  }

  static ObjectNode metric(Metric m) {
    ObjectNode node = NODES.objectNode();
    node.put("key", m.key());
    double value = m.value();
    if (Double.isNaN(value)) {
      node.put("value", "NaN");
    } else if (Double.isInfinite(value)) {
      node.put("value", value > 0 ? "Infinity" : "-Infinity");
    } else {
      node.put("value", value);
    }
    node.put("timestamp", m.timestamp());
    node.put("step", m.step());
    return node;
  }

  private static ObjectNode input(RunInput input) {
    ObjectNode node = NODES.objectNode();
    keyValues(node.putArray("tags"), input.tags());
    ObjectNode dataset = node.putObject("dataset");
    dataset.put("name", input.name());
    dataset.put("digest", input.digest());
    dataset.put("source_type", input.sourceType());
    dataset.put("source", input.source());
    input.schema().ifPresent(s -> dataset.put("schema", s));
    input.profile().ifPresent(p -> dataset.put("profile", p));
    input.datasetVersionId().ifPresent(v -> node.put("tend_dataset_version_id", v));
    return node;
  }

  private static void keyValues(ArrayNode array, Map<String, String> values) {
    values.forEach(
        (k, v) -> {
          ObjectNode kv = array.addObject();
          kv.put("key", k);
          kv.put("value", v);
        });
  }
}
