package dev.tend.server.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.artifacts.ManifestEntry;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.SignatureColumn;
import dev.tend.tracking.ArtifactFile;
import dev.tend.tracking.Experiment;
import dev.tend.tracking.Metric;
import dev.tend.tracking.Run;
import dev.tend.tracking.RunInfo;
import dev.tend.tracking.RunInput;
import java.util.List;
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

  /**
   * A registered model as MLflow writes it, with its newest version per stage; {@code tend_project}
   * is Tend's addition, ignored by MLflow's clients.
   */
  static ObjectNode registeredModel(
      RegisteredModel model, List<ModelVersion> latestVersions, String projectName) {
    ObjectNode node = NODES.objectNode();
    node.put("name", model.name());
    node.put("creation_timestamp", model.creationTime());
    node.put("last_updated_timestamp", model.lastUpdatedTime());
    model.description().ifPresent(d -> node.put("description", d));
    ArrayNode latest = node.putArray("latest_versions");
    latestVersions.forEach(v -> latest.add(modelVersion(v)));
    keyValues(node.putArray("tags"), model.tags());
    ArrayNode aliases = node.putArray("aliases");
    model
        .aliases()
        .forEach(
            (alias, version) ->
                aliases.addObject().put("alias", alias).put("version", Integer.toString(version)));
    node.put("tend_project", projectName);
    return node;
  }

  /**
   * A model version as MLflow writes it, plus Tend's fields (prefixed {@code tend_}, ignored by
   * MLflow's clients): format, signature, metrics, files, training dataset version and manifest.
   */
  static ObjectNode modelVersion(ModelVersion v) {
    ObjectNode node = NODES.objectNode();
    node.put("name", v.modelName());
    node.put("version", v.versionText());
    node.put("creation_timestamp", v.creationTime());
    node.put("last_updated_timestamp", v.lastUpdatedTime());
    v.userId().ifPresent(u -> node.put("user_id", u));
    node.put("current_stage", v.stage().label());
    v.description().ifPresent(d -> node.put("description", d));
    node.put("source", v.source());
    v.runId().ifPresent(r -> node.put("run_id", r));
    node.put("status", v.status().name());
    v.statusMessage().ifPresent(m -> node.put("status_message", m));
    keyValues(node.putArray("tags"), v.tags());
    v.runLink().ifPresent(l -> node.put("run_link", l));
    ArrayNode aliases = node.putArray("aliases");
    v.aliases().forEach(aliases::add);
    node.put("tend_format", v.format().label());
    ObjectNode signature = node.putObject("tend_signature");
    columns(signature.putArray("inputs"), v.signature().inputs());
    columns(signature.putArray("outputs"), v.signature().outputs());
    ObjectNode metrics = node.putObject("tend_metrics");
    v.metrics().forEach((k, value) -> putDouble(metrics, k, value));
    v.datasetVersionId().ifPresent(d -> node.put("tend_training_dataset_version_id", d));
    v.manifestSha256().ifPresent(m -> node.put("tend_manifest_sha256", m));
    ArrayNode files = node.putArray("tend_files");
    for (ManifestEntry file : v.files()) {
      files
          .addObject()
          .put("path", file.path())
          .put("size", file.size())
          .put("sha256", file.sha256());
    }
    return node;
  }

  /** An artifact listing entry: {@code path} as given, {@code file_size} for files only. */
  static ObjectNode fileInfo(String path, ArtifactFile file) {
    ObjectNode node = NODES.objectNode();
    node.put("path", path);
    node.put("is_dir", file.isDir());
    file.size().ifPresent(size -> node.put("file_size", size));
    return node;
  }

  private static void columns(ArrayNode array, List<SignatureColumn> columns) {
    for (SignatureColumn column : columns) {
      ObjectNode node = array.addObject();
      column.name().ifPresent(n -> node.put("name", n));
      node.put("type", column.type());
    }
  }

  private static void putDouble(ObjectNode node, String field, double value) {
    if (Double.isNaN(value)) {
      node.put(field, "NaN");
    } else if (Double.isInfinite(value)) {
      node.put(field, value > 0 ? "Infinity" : "-Infinity");
    } else {
      node.put(field, value);
    }
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
