package dev.tend.cli.tracking;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.FormatOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A run as the CLI shows it, read from MLflow's run JSON ({@code info}, {@code data}, {@code
 * inputs}), and written back as the CLI's stable JSON: maps for params, tags and metrics instead of
 * MLflow's lists of pairs.
 */
record RunView(
    String runId,
    String runName,
    String experimentId,
    String status,
    Optional<String> userId,
    long startTime,
    Optional<Long> endTime,
    String artifactUri,
    String lifecycleStage,
    SortedMap<String, MetricPoint> metrics,
    SortedMap<String, String> params,
    SortedMap<String, String> tags,
    List<Input> inputs) {

  /** The latest point of a metric. */
  record MetricPoint(double value, long step, long timestamp) {}

  /** A dataset a run read, with Tend's version id when it links a Tend dataset version. */
  record Input(
      String name,
      String digest,
      String sourceType,
      String source,
      Optional<String> context,
      Optional<String> tendDatasetVersionId) {
    Input {
      requireNonNull(name, "name is null");
      requireNonNull(digest, "digest is null");
      requireNonNull(sourceType, "sourceType is null");
      requireNonNull(source, "source is null");
      requireNonNull(context, "context is null");
      requireNonNull(tendDatasetVersionId, "tendDatasetVersionId is null");
    }
  }

  RunView {
    requireNonNull(runId, "runId is null");
    requireNonNull(runName, "runName is null");
    requireNonNull(experimentId, "experimentId is null");
    requireNonNull(status, "status is null");
    requireNonNull(userId, "userId is null");
    requireNonNull(endTime, "endTime is null");
    requireNonNull(artifactUri, "artifactUri is null");
    requireNonNull(lifecycleStage, "lifecycleStage is null");
    metrics = new TreeMap<>(metrics);
    params = new TreeMap<>(params);
    tags = new TreeMap<>(tags);
    inputs = List.copyOf(inputs);
  }

  /** Reads a run of MLflow's JSON (the {@code run} member of runs/get, an item of runs/search). */
  static RunView of(JsonNode run) {
    JsonNode info = run.path("info");
    JsonNode data = run.path("data");
    SortedMap<String, MetricPoint> metrics = new TreeMap<>();
    data.path("metrics")
        .forEach(
            m ->
                metrics.put(
                    m.path("key").asText(),
                    new MetricPoint(
                        Mlflow.value(m.path("value")),
                        m.path("step").asLong(),
                        m.path("timestamp").asLong())));
    List<Input> inputs = new ArrayList<>();
    run.path("inputs")
        .path("dataset_inputs")
        .forEach(
            i -> {
              JsonNode dataset = i.path("dataset");
              Map<String, String> inputTags = pairs(i.path("tags"));
              inputs.add(
                  new Input(
                      dataset.path("name").asText(),
                      dataset.path("digest").asText(),
                      dataset.path("source_type").asText(),
                      dataset.path("source").asText(),
                      Optional.ofNullable(inputTags.get("mlflow.data.context")),
                      text(i.path("tend_dataset_version_id"))));
            });
    return new RunView(
        info.path("run_id").asText(info.path("run_uuid").asText()),
        info.path("run_name").asText(""),
        info.path("experiment_id").asText(),
        info.path("status").asText(),
        text(info.path("user_id")),
        info.path("start_time").asLong(),
        info.path("end_time").isNumber()
            ? Optional.of(info.path("end_time").asLong())
            : Optional.empty(),
        info.path("artifact_uri").asText(""),
        info.path("lifecycle_stage").asText(""),
        metrics,
        pairs(data.path("params")),
        pairs(data.path("tags")),
        inputs);
  }

  private static SortedMap<String, String> pairs(JsonNode pairs) {
    SortedMap<String, String> map = new TreeMap<>();
    pairs.forEach(p -> map.put(p.path("key").asText(), p.path("value").asText()));
    return map;
  }

  private static Optional<String> text(JsonNode node) {
    return node.isTextual() && !node.asText().isEmpty()
        ? Optional.of(node.asText())
        : Optional.empty();
  }

  /** The run's duration for people, or {@code -} when it has not ended. */
  String duration() {
    return endTime.map(end -> Mlflow.duration(startTime, end)).orElse("-");
  }

  /** The CLI's stable JSON of the run; {@code experimentName} when known. */
  ObjectNode toJson(Optional<String> experimentName) {
    ObjectNode node = FormatOption.object();
    node.put("run_id", runId);
    node.put("run_name", runName);
    node.put("experiment_id", experimentId);
    experimentName.ifPresent(n -> node.put("experiment_name", n));
    node.put("status", status);
    node.put("lifecycle_stage", lifecycleStage);
    node.put("user_id", userId.orElse(null));
    node.put("start_time", startTime);
    if (endTime.isPresent()) {
      node.put("end_time", endTime.get());
    } else {
      node.putNull("end_time");
    }
    node.put("artifact_uri", artifactUri);
    ObjectNode params = node.putObject("params");
    this.params.forEach(params::put);
    ObjectNode metrics = node.putObject("metrics");
    this.metrics.forEach(
        (key, point) -> {
          ObjectNode m = metrics.putObject(key);
          Mlflow.putValue(m, "value", point.value());
          m.put("step", point.step()).put("timestamp", point.timestamp());
        });
    ObjectNode tags = node.putObject("tags");
    this.tags.forEach(tags::put);
    ArrayNode inputs = node.putArray("inputs");
    for (Input input : this.inputs) {
      ObjectNode i =
          inputs
              .addObject()
              .put("name", input.name())
              .put("digest", input.digest())
              .put("source_type", input.sourceType())
              .put("source", input.source());
      i.put("context", input.context().orElse(null));
      i.put("tend_dataset_version_id", input.tendDatasetVersionId().orElse(null));
    }
    return node;
  }
}
