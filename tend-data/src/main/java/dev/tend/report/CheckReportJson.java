package dev.tend.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tend.checks.CheckResult;
import dev.tend.checks.Dimension;
import dev.tend.checks.QualityScores;
import dev.tend.checks.SuiteReport;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a check report, format version {@value SuiteReport#FORMAT_VERSION}, documented
 * in {@code docs/check-report.md}. Field names and meanings are stable within a format version.
 */
public final class CheckReportJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private CheckReportJson() {}

  public static String render(SuiteReport report) {
    try {
      return MAPPER.writeValueAsString(toMap(report)) + System.lineSeparator();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Map<String, Object> toMap(SuiteReport report) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format_version", SuiteReport.FORMAT_VERSION);
    Map<String, Object> suite = new LinkedHashMap<>();
    suite.put("name", report.suite().name());
    suite.put("file", report.suite().origin());
    root.put("suite", suite);
    root.put("dataset", report.dataset());
    root.put("started_at", report.startedAt().toString());
    root.put("elapsed_ms", report.elapsed().toMillis());
    root.put("row_count", report.rowCount());
    root.put("passed", report.passed());
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("checks", report.results().size());
    summary.put("passed", report.results().stream().filter(CheckResult::passed).count());
    summary.put("failed_errors", report.failedErrors());
    summary.put("failed_warnings", report.failedWarnings());
    root.put("summary", summary);
    Map<String, Object> scores = new LinkedHashMap<>();
    report.scores().overall().ifPresent(v -> scores.put("overall", round(v)));
    for (Dimension dimension : Dimension.values()) {
      Double score = report.scores().byDimension().get(dimension);
      if (score != null) {
        scores.put(dimension.label(), round(score));
      }
    }
    root.put("scores", scores);
    List<Object> thresholds = new ArrayList<>();
    for (QualityScores.ThresholdResult t : report.thresholds()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("dimension", t.threshold().label());
      entry.put("min_percent", t.threshold().minPercent());
      entry.put("score", t.score().isPresent() ? round(t.score().getAsDouble()) : null);
      entry.put("passed", t.passed());
      thresholds.add(entry);
    }
    root.put("thresholds", thresholds);
    List<Object> checks = new ArrayList<>();
    for (CheckResult result : report.results()) {
      checks.add(check(result));
    }
    root.put("checks", checks);
    return root;
  }

  private static Map<String, Object> check(CheckResult result) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("name", result.check().name());
    entry.put("kind", result.check().kind());
    entry.put("dimension", result.check().dimension().label());
    entry.put("severity", result.check().header().severity().label());
    entry.put("columns", result.check().columns());
    entry.put("where", result.check().header().whereText().orElse(null));
    entry.put("outcome", result.outcome().name().toLowerCase(java.util.Locale.ROOT));
    entry.put("observed", result.observed());
    entry.put("expected", result.expected());
    entry.put(
        "failing_rows", result.failingRows().isPresent() ? result.failingRows().getAsLong() : null);
    entry.put(
        "evaluated_rows",
        result.evaluatedRows().isPresent() ? result.evaluatedRows().getAsLong() : null);
    entry.put(
        "failing_fraction",
        result.failingFraction().isPresent() ? result.failingFraction().getAsDouble() : null);
    entry.put("score", round(100 * result.score()));
    entry.put("message", result.message().orElse(null));
    entry.put("location", result.check().header().location().toString());
    List<Object> sample = new ArrayList<>();
    for (Map<String, Object> row : result.sample()) {
      Map<String, Object> plain = new LinkedHashMap<>();
      row.forEach((k, v) -> plain.put(k, Values.plain(v)));
      sample.add(plain);
    }
    entry.put("sample", sample);
    return entry;
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
