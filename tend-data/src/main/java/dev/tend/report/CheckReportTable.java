package dev.tend.report;

import dev.tend.checks.CheckResult;
import dev.tend.checks.Dimension;
import dev.tend.checks.QualityScores;
import dev.tend.checks.Severity;
import dev.tend.checks.SuiteReport;
import java.util.Locale;
import java.util.Map;

/** The readable text form of a check report, for terminals and CI logs. */
public final class CheckReportTable {
  private static final int MAX_VALUE_WIDTH = 40;

  private CheckReportTable() {}

  public static String render(SuiteReport report) {
    StringBuilder out = new StringBuilder();
    out.append("Suite ")
        .append(report.suite().name())
        .append(" on ")
        .append(report.dataset())
        .append(
            String.format(
                Locale.ROOT,
                "  (%,d rows, %.2f s)%n%n",
                report.rowCount(),
                report.elapsed().toMillis() / 1000.0));
    int nameWidth =
        Math.min(
            40,
            report.results().stream().mapToInt(r -> r.check().name().length()).max().orElse(10));
    for (CheckResult result : report.results()) {
      String status = status(result);
      out.append(
          String.format(
              Locale.ROOT,
              "%-5s  %-" + nameWidth + "s  %s",
              status,
              result.check().name(),
              result.observed()));
      if (!result.passed()) {
        out.append("   expected: ").append(result.expected());
      }
      out.append(System.lineSeparator());
      result
          .message()
          .ifPresent(m -> out.append("       ").append(m).append(System.lineSeparator()));
      if (!result.sample().isEmpty()) {
        out.append("       sample of failing rows:").append(System.lineSeparator());
        for (Map<String, Object> row : result.sample()) {
          out.append("         ").append(row(row)).append(System.lineSeparator());
        }
      }
    }
    out.append(System.lineSeparator()).append("Scores:");
    report
        .scores()
        .overall()
        .ifPresent(v -> out.append(String.format(Locale.ROOT, " overall %.2f%%", v)));
    for (Dimension dimension : Dimension.values()) {
      Double score = report.scores().byDimension().get(dimension);
      if (score != null) {
        out.append(String.format(Locale.ROOT, ", %s %.2f%%", dimension.label(), score));
      }
    }
    out.append(System.lineSeparator());
    for (QualityScores.ThresholdResult t : report.thresholds()) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-5s  threshold %s >= %s%%: %s%n",
              t.passed() ? "PASS" : "FAIL",
              t.threshold().label(),
              trim(t.threshold().minPercent()),
              t.score().isPresent()
                  ? String.format(Locale.ROOT, "%.2f%%", t.score().getAsDouble())
                  : "no score"));
    }
    long passed = report.results().stream().filter(CheckResult::passed).count();
    out.append(System.lineSeparator())
        .append(report.passed() ? "PASSED" : "FAILED")
        .append(": ")
        .append(passed)
        .append(" of ")
        .append(report.results().size())
        .append(" checks passed");
    if (report.failedErrors() > 0) {
      out.append(", ").append(report.failedErrors()).append(" failed");
    }
    if (report.failedWarnings() > 0) {
      out.append(", ").append(report.failedWarnings()).append(" warnings");
    }
    long breached = report.thresholds().stream().filter(t -> !t.passed()).count();
    if (breached > 0) {
      out.append(", ")
          .append(breached)
          .append(breached == 1 ? " threshold breached" : " thresholds breached");
    }
    out.append(System.lineSeparator());
    return out.toString();
  }

  private static String status(CheckResult result) {
    return switch (result.outcome()) {
      case PASSED -> "PASS";
      case FAILED -> result.check().header().severity() == Severity.WARN ? "WARN" : "FAIL";
      case ERROR -> "ERROR";
    };
  }

  private static String row(Map<String, Object> row) {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, Object> cell : row.entrySet()) {
      if (!text.isEmpty()) {
        text.append("  ");
      }
      String value = Values.text(cell.getValue());
      if (value.length() > MAX_VALUE_WIDTH) {
        value = value.substring(0, MAX_VALUE_WIDTH - 3) + "...";
      }
      text.append(cell.getKey()).append('=').append(value);
    }
    return text.toString();
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
