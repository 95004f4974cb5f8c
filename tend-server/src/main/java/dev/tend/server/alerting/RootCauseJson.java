package dev.tend.server.alerting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.alert.RootCause;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The JSON form of a {@link RootCause}, as stored with an alert, served as its {@code root_cause}
 * and sent in the webhook's {@code root_cause} (docs/alerts.md, "Root cause"). Absent values are
 * written as {@code null}, so every report has the same members. Members are written explicitly, so
 * the wire format does not follow refactorings of the record. Thread-safe.
 */
public final class RootCauseJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RootCauseJson() {}

  /** The report as a JSON tree. */
  public static ObjectNode tree(RootCause cause) {
    ObjectNode json = MAPPER.createObjectNode();
    ObjectNode window = json.putObject("window");
    window.put("start", cause.window().start().toString());
    window.put("end", cause.window().end().toString());
    json.put("deployment", cause.deployment());
    if (cause.model().isPresent()) {
      RootCause.Model m = cause.model().get();
      ObjectNode model = json.putObject("model");
      model.put("name", m.name());
      model.put("version", m.version());
      model.put("run_id", m.runId().orElse(null));
    } else {
      json.putNull("model");
    }
    ArrayNode datasets = json.putArray("datasets");
    cause
        .datasets()
        .forEach(d -> datasets.addObject().put("name", d.name()).put("version", d.version()));
    ArrayNode drifted = json.putArray("drifted_features");
    for (RootCause.DriftedFeature d : cause.driftedFeatures()) {
      ObjectNode f = drifted.addObject();
      f.put("column", d.column());
      f.put("method", d.method().orElse(null));
      f.put("effect", d.effect());
      number(f, "threshold", d.threshold());
      f.put("since", d.since().toString());
    }
    ArrayNode quality = json.putArray("quality");
    for (RootCause.QualityIssue q : cause.quality()) {
      ObjectNode i = quality.addObject();
      i.put("column", q.column());
      i.put("metric", q.metric());
      i.put("value", q.value());
      number(i, "baseline", q.baseline());
    }
    ArrayNode checks = json.putArray("failing_checks");
    for (RootCause.FailingCheck c : cause.failingChecks()) {
      ObjectNode check = checks.addObject();
      check.put("check", c.check());
      ArrayNode columns = check.putArray("columns");
      c.columns().forEach(columns::add);
      check.put("observed", c.observed());
    }
    ArrayNode segments = json.putArray("segments");
    for (RootCause.SegmentDrop s : cause.segments()) {
      segments
          .addObject()
          .put("segment", s.segment())
          .put("metric", s.metric())
          .put("value", s.value())
          .put("baseline", s.baseline())
          .put("drop", s.drop())
          .put("rows", s.rows());
    }
    json.put("summary", cause.summary());
    return json;
  }

  /** The report as JSON text. */
  public static String text(RootCause cause) {
    try {
      return MAPPER.writeValueAsString(tree(cause));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a root cause is plain JSON", e);
    }
  }

  /** Parses stored JSON text as a tree. */
  public static JsonNode parseTree(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored root cause does not parse: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a report written by {@link #text}.
   *
   * @throws IllegalStateException when the text is not such a report
   */
  public static RootCause read(String text) {
    JsonNode json = parseTree(text);
    try {
      JsonNode model = json.path("model");
      List<RootCause.Dataset> datasets = new ArrayList<>();
      json.path("datasets")
          .forEach(
              d ->
                  datasets.add(
                      new RootCause.Dataset(d.get("name").asText(), d.get("version").asText())));
      List<RootCause.DriftedFeature> drifted = new ArrayList<>();
      for (JsonNode f : json.path("drifted_features")) {
        drifted.add(
            new RootCause.DriftedFeature(
                f.get("column").asText(),
                string(f.get("method")),
                f.get("effect").asDouble(),
                number(f.get("threshold")),
                Instant.parse(f.get("since").asText())));
      }
      List<RootCause.QualityIssue> quality = new ArrayList<>();
      for (JsonNode q : json.path("quality")) {
        quality.add(
            new RootCause.QualityIssue(
                q.get("column").asText(),
                q.get("metric").asText(),
                q.get("value").asDouble(),
                number(q.get("baseline"))));
      }
      List<RootCause.FailingCheck> checks = new ArrayList<>();
      for (JsonNode c : json.path("failing_checks")) {
        List<String> columns = new ArrayList<>();
        c.path("columns").forEach(n -> columns.add(n.asText()));
        checks.add(
            new RootCause.FailingCheck(
                c.get("check").asText(), columns, c.get("observed").asText()));
      }
      List<RootCause.SegmentDrop> segments = new ArrayList<>();
      for (JsonNode s : json.path("segments")) {
        segments.add(
            new RootCause.SegmentDrop(
                s.get("segment").asText(),
                s.get("metric").asText(),
                s.get("value").asDouble(),
                s.get("baseline").asDouble(),
                s.get("drop").asDouble(),
                s.get("rows").asLong()));
      }
      return new RootCause(
          new RootCause.Window(
              Instant.parse(json.get("window").get("start").asText()),
              Instant.parse(json.get("window").get("end").asText())),
          json.get("deployment").asText(),
          model.isObject()
              ? Optional.of(
                  new RootCause.Model(
                      model.get("name").asText(),
                      model.get("version").asText(),
                      string(model.get("run_id"))))
              : Optional.empty(),
          datasets,
          drifted,
          quality,
          checks,
          segments,
          json.get("summary").asText());
    } catch (RuntimeException e) {
      throw new IllegalStateException("a stored root cause is not a report: " + e, e);
    }
  }

  private static void number(ObjectNode json, String name, OptionalDouble value) {
    if (value.isPresent()) {
      json.put(name, value.getAsDouble());
    } else {
      json.putNull(name);
    }
  }

  private static Optional<String> string(JsonNode node) {
    return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
  }

  private static OptionalDouble number(JsonNode node) {
    return node == null || node.isNull()
        ? OptionalDouble.empty()
        : OptionalDouble.of(node.asDouble());
  }
}
