package dev.tend.server.ui.datasets;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.server.http.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The check report stored with a dataset version (the JSON of {@code docs/check-report.md}), read
 * for the UI: how many of the suite's checks passed, the quality scores, and each check's result
 * with the failing rows the push kept as a sample.
 *
 * @param suite the suite's name
 * @param passed whether the version passed its suite
 * @param checks how many checks the suite ran
 * @param passedChecks how many of them passed
 * @param scores quality scores in percent by dimension ({@code overall}, {@code completeness}, ...)
 * @param results every check's result, in suite order
 */
public record StoredReport(
    String suite,
    boolean passed,
    int checks,
    int passedChecks,
    Map<String, Double> scores,
    List<CheckView> results) {
  private static final ObjectMapper MAPPER = Json.mapper();

  public StoredReport {
    requireNonNull(suite, "suite is null");
    scores = Map.copyOf(requireNonNull(scores, "scores is null"));
    results = List.copyOf(requireNonNull(results, "results is null"));
  }

  /** One check's result. {@code sample} holds failing rows, when the check counts rows. */
  public record CheckView(
      String name,
      String kind,
      String dimension,
      String severity,
      List<String> columns,
      Optional<String> where,
      String outcome,
      String observed,
      String expected,
      Optional<Long> failingRows,
      Optional<Long> evaluatedRows,
      OptionalDouble score,
      Optional<String> message,
      String location,
      Sample sample) {
    public CheckView {
      requireNonNull(name, "name is null");
      requireNonNull(kind, "kind is null");
      requireNonNull(dimension, "dimension is null");
      requireNonNull(severity, "severity is null");
      columns = List.copyOf(requireNonNull(columns, "columns is null"));
      requireNonNull(where, "where is null");
      requireNonNull(outcome, "outcome is null");
      requireNonNull(observed, "observed is null");
      requireNonNull(expected, "expected is null");
      requireNonNull(failingRows, "failingRows is null");
      requireNonNull(evaluatedRows, "evaluatedRows is null");
      requireNonNull(score, "score is null");
      requireNonNull(message, "message is null");
      requireNonNull(location, "location is null");
      requireNonNull(sample, "sample is null");
    }

    /** Failed or errored: the check did not pass. */
    public boolean failing() {
      return outcome.equals("failed") || outcome.equals("error");
    }

    /** The badge class of the outcome. */
    public String badge() {
      return switch (outcome) {
        case "passed" -> "ok";
        case "failed" -> severity.equals("warn") ? "warn" : "bad";
        case "error" -> "bad";
        default -> "info";
      };
    }
  }

  /**
   * Sampled rows as a table: the columns in order of first appearance ({@code _row}, the row's
   * position in the data, first) and one cell per column and row.
   */
  public record Sample(List<String> columns, List<List<Cell>> rows) {
    public Sample {
      columns = List.copyOf(requireNonNull(columns, "columns is null"));
      rows = rows.stream().map(List::copyOf).toList();
    }

    public boolean isEmpty() {
      return rows.isEmpty();
    }
  }

  /** A value of a sampled row; {@code missing} for a null (or a column the row lacks). */
  public record Cell(String text, boolean missing) {
    public Cell {
      requireNonNull(text, "text is null");
    }
  }

  /** The share of the suite's checks that passed; empty for a suite without checks. */
  public Optional<Double> quality() {
    return checks == 0 ? Optional.empty() : Optional.of((double) passedChecks / checks);
  }

  /** A quality score as a share (the report keeps percent), when the report has it. */
  public Optional<Double> score(String dimension) {
    return Optional.ofNullable(scores.get(dimension)).map(percent -> percent / 100);
  }

  /** The checks that failed or errored. */
  public List<CheckView> failing() {
    return results.stream().filter(CheckView::failing).toList();
  }

  /**
   * The report stored as {@code json}; empty when the version was pushed without a suite (the store
   * keeps JSON {@code null} then).
   *
   * @throws IllegalStateException when the stored text is not JSON
   */
  public static Optional<StoredReport> parse(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored check report does not parse", e);
    }
    if (root == null || !root.isObject()) {
      return Optional.empty();
    }
    Map<String, Double> scores = new LinkedHashMap<>();
    root.path("scores").properties().forEach(e -> scores.put(e.getKey(), e.getValue().asDouble()));
    List<CheckView> results = new ArrayList<>();
    for (JsonNode check : root.path("checks")) {
      results.add(check(check));
    }
    JsonNode summary = root.path("summary");
    return Optional.of(
        new StoredReport(
            root.path("suite").path("name").asText(""),
            root.path("passed").asBoolean(),
            summary.path("checks").asInt(results.size()),
            summary.path("passed").asInt((int) results.stream().filter(r -> !r.failing()).count()),
            scores,
            results));
  }

  private static CheckView check(JsonNode check) {
    List<String> columns = new ArrayList<>();
    check.path("columns").forEach(c -> columns.add(c.asText()));
    return new CheckView(
        check.path("name").asText(),
        check.path("kind").asText(),
        check.path("dimension").asText(),
        check.path("severity").asText(),
        columns,
        text(check, "where"),
        check.path("outcome").asText(),
        check.path("observed").asText(""),
        check.path("expected").asText(""),
        whole(check, "failing_rows"),
        whole(check, "evaluated_rows"),
        check.hasNonNull("score")
            ? OptionalDouble.of(check.get("score").asDouble() / 100)
            : OptionalDouble.empty(),
        text(check, "message"),
        check.path("location").asText(""),
        sample(check.path("sample")));
  }

  private static Sample sample(JsonNode rows) {
    Set<String> columns = new LinkedHashSet<>();
    for (JsonNode row : rows) {
      row.fieldNames().forEachRemaining(columns::add);
    }
    List<List<Cell>> table = new ArrayList<>();
    for (JsonNode row : rows) {
      List<Cell> cells = new ArrayList<>();
      for (String column : columns) {
        JsonNode value = row.get(column);
        cells.add(
            value == null || value.isNull()
                ? new Cell("null", true)
                : new Cell(value.isValueNode() ? value.asText() : value.toString(), false));
      }
      table.add(cells);
    }
    return new Sample(List.copyOf(columns), table);
  }

  private static Optional<String> text(JsonNode node, String field) {
    return node.hasNonNull(field) ? Optional.of(node.get(field).asText()) : Optional.empty();
  }

  private static Optional<Long> whole(JsonNode node, String field) {
    return node.hasNonNull(field) ? Optional.of(node.get(field).asLong()) : Optional.empty();
  }
}
