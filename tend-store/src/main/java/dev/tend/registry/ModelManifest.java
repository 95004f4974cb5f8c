package dev.tend.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.artifacts.ManifestEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a registered model version is, written as JSON into the artifact store beside its files and
 * named by its SHA-256: the model and version, where it came from (source, run, project, who and
 * when), its format, signature, metrics, the Tend dataset version it was trained on, and its files
 * as content-addressed blobs. Carries {@link #FORMAT} so later readers know how to read it.
 */
public record ModelManifest(
    String model,
    int version,
    String projectId,
    String source,
    Optional<String> runId,
    ModelFormat format,
    Signature signature,
    SortedMap<String, Double> metrics,
    Optional<String> trainingDatasetVersionId,
    List<ManifestEntry> files,
    long createdAt,
    String createdBy) {
  /** The format version written in every manifest. */
  public static final String FORMAT = "tend-model-manifest/1";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  public ModelManifest {
    requireNonNull(model, "model is null");
    requireNonNull(projectId, "projectId is null");
    requireNonNull(source, "source is null");
    requireNonNull(runId, "runId is null");
    requireNonNull(format, "format is null");
    requireNonNull(signature, "signature is null");
    metrics = new TreeMap<>(metrics);
    requireNonNull(trainingDatasetVersionId, "trainingDatasetVersionId is null");
    files = List.copyOf(files);
    requireNonNull(createdBy, "createdBy is null");
  }

  /** The manifest as UTF-8 JSON, keys in a fixed order. */
  public byte[] toJson() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format_version", FORMAT);
    root.put("model", model);
    root.put("version", version);
    root.put("project_id", projectId);
    root.put("source", source);
    runId.ifPresent(r -> root.put("run_id", r));
    root.put("format", format.label());
    ObjectNode sig = root.putObject("signature");
    columns(sig.putArray("inputs"), signature.inputs());
    columns(sig.putArray("outputs"), signature.outputs());
    ObjectNode metricNode = root.putObject("metrics");
    metrics.forEach(
        (k, v) -> {
          if (Double.isFinite(v)) {
            metricNode.put(k, v);
          } else {
            metricNode.put(k, Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
          }
        });
    trainingDatasetVersionId.ifPresent(v -> root.put("training_dataset_version_id", v));
    ArrayNode fileNodes = root.putArray("files");
    for (ManifestEntry file : files) {
      fileNodes
          .addObject()
          .put("path", file.path())
          .put("size", file.size())
          .put("sha256", file.sha256());
    }
    root.put("created_at", createdAt);
    root.put("created_by", createdBy);
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a model manifest", e);
    }
  }

  /**
   * Reads a manifest written by {@link #toJson}.
   *
   * @throws IllegalArgumentException when it is not one, or of a format this Tend does not know
   */
  public static ModelManifest parse(byte[] json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("a model manifest must be JSON: " + e.getMessage(), e);
    }
    if (root == null || !FORMAT.equals(root.path("format_version").asText())) {
      throw new IllegalArgumentException(
          "not a model manifest of format "
              + FORMAT
              + ", found format_version '"
              + (root == null ? "" : root.path("format_version").asText())
              + "'");
    }
    SortedMap<String, Double> metrics = new TreeMap<>();
    root.path("metrics")
        .properties()
        .forEach(
            e ->
                metrics.put(
                    e.getKey(),
                    e.getValue().isNumber()
                        ? e.getValue().asDouble()
                        : Double.parseDouble(e.getValue().asText())));
    List<ManifestEntry> files = new ArrayList<>();
    root.path("files")
        .forEach(
            f ->
                files.add(
                    new ManifestEntry(
                        f.path("path").asText(),
                        f.path("size").asLong(),
                        f.path("sha256").asText())));
    return new ModelManifest(
        root.path("model").asText(),
        root.path("version").asInt(),
        root.path("project_id").asText(),
        root.path("source").asText(),
        text(root, "run_id"),
        formatOf(root.path("format").asText()),
        new Signature(
            columns(root.at("/signature/inputs")), columns(root.at("/signature/outputs"))),
        metrics,
        text(root, "training_dataset_version_id"),
        files,
        root.path("created_at").asLong(),
        root.path("created_by").asText());
  }

  private static ModelFormat formatOf(String label) {
    for (ModelFormat format : ModelFormat.values()) {
      if (format.label().equals(label)) {
        return format;
      }
    }
    throw new IllegalArgumentException("unknown model format '" + label + "' in a model manifest");
  }

  private static Optional<String> text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
  }

  private static void columns(ArrayNode array, List<SignatureColumn> columns) {
    for (SignatureColumn column : columns) {
      ObjectNode node = array.addObject();
      column.name().ifPresent(n -> node.put("name", n));
      node.put("type", column.type());
    }
  }

  private static List<SignatureColumn> columns(JsonNode array) {
    List<SignatureColumn> out = new ArrayList<>();
    array.forEach(
        c ->
            out.add(
                new SignatureColumn(
                    c.hasNonNull("name") ? Optional.of(c.get("name").asText()) : Optional.empty(),
                    c.path("type").asText())));
    return out;
  }
}
