package dev.tend.report;

import dev.tend.checks.CheckResult;
import dev.tend.checks.QualityScores;
import dev.tend.checks.Severity;
import dev.tend.checks.SuiteReport;
import java.util.Locale;
import java.util.Map;

/**
 * The JUnit XML form of a check report, which CI systems display as test results: one test case per
 * check and per threshold. Failed error-level checks are failures, checks that could not be
 * evaluated are errors, and failed warnings pass with their finding in {@code system-out}.
 */
public final class CheckReportJunit {
  private CheckReportJunit() {}

  public static String render(SuiteReport report) {
    long failures =
        report.results().stream()
                .filter(r -> r.outcome() == CheckResult.Outcome.FAILED && r.failsRun())
                .count()
            + report.thresholds().stream().filter(t -> !t.passed()).count();
    long errors =
        report.results().stream()
            .filter(r -> r.outcome() == CheckResult.Outcome.ERROR && r.failsRun())
            .count();
    int tests = report.results().size() + report.thresholds().size();
    String className = "tend." + report.suite().name();
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.append(
        String.format(
            Locale.ROOT,
            "<testsuites name=\"tend\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%.3f\">%n",
            tests,
            failures,
            errors,
            report.elapsed().toMillis() / 1000.0));
    xml.append(
        String.format(
            Locale.ROOT,
            "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"0\" time=\"%.3f\" timestamp=\"%s\">%n",
            escape(report.suite().name()),
            tests,
            failures,
            errors,
            report.elapsed().toMillis() / 1000.0,
            report.startedAt().toString().replaceFirst("\\.\\d+Z$", "Z")));
    xml.append("    <properties>\n");
    xml.append("      <property name=\"dataset\" value=\"")
        .append(escape(report.dataset()))
        .append("\"/>\n");
    xml.append("      <property name=\"row_count\" value=\"")
        .append(report.rowCount())
        .append("\"/>\n");
    xml.append("    </properties>\n");
    for (CheckResult result : report.results()) {
      xml.append("    <testcase classname=\"")
          .append(escape(className))
          .append("\" name=\"")
          .append(escape(result.check().name()))
          .append("\" time=\"0\">\n");
      String detail = detail(result);
      if (result.failsRun()) {
        String tag = result.outcome() == CheckResult.Outcome.ERROR ? "error" : "failure";
        xml.append("      <")
            .append(tag)
            .append(" type=\"")
            .append(result.check().kind())
            .append("\" message=\"")
            .append(escape(result.observed() + "; expected " + result.expected()))
            .append("\">")
            .append(escape(detail))
            .append("</")
            .append(tag)
            .append(">\n");
      } else if (!result.passed() && result.check().header().severity() == Severity.WARN) {
        xml.append("      <system-out>WARN: ").append(escape(detail)).append("</system-out>\n");
      }
      xml.append("    </testcase>\n");
    }
    for (QualityScores.ThresholdResult t : report.thresholds()) {
      xml.append("    <testcase classname=\"")
          .append(escape(className))
          .append("\" name=\"threshold ")
          .append(escape(t.threshold().label()))
          .append("\" time=\"0\">\n");
      if (!t.passed()) {
        String score =
            t.score().isPresent()
                ? String.format(Locale.ROOT, "%.2f%%", t.score().getAsDouble())
                : "no score";
        xml.append("      <failure type=\"threshold\" message=\"")
            .append(
                escape(
                    t.threshold().label()
                        + " score "
                        + score
                        + ", expected >= "
                        + t.threshold().minPercent()
                        + "%"))
            .append("\"/>\n");
      }
      xml.append("    </testcase>\n");
    }
    xml.append("  </testsuite>\n</testsuites>\n");
    return xml.toString();
  }

  private static String detail(CheckResult result) {
    StringBuilder text = new StringBuilder();
    text.append("observed: ").append(result.observed()).append('\n');
    text.append("expected: ").append(result.expected()).append('\n');
    result.message().ifPresent(m -> text.append(m).append('\n'));
    if (!result.sample().isEmpty()) {
      text.append("sample of failing rows:\n");
      for (Map<String, Object> row : result.sample()) {
        StringBuilder line = new StringBuilder("  ");
        row.forEach((k, v) -> line.append(k).append('=').append(Values.text(v)).append(' '));
        text.append(line.toString().stripTrailing()).append('\n');
      }
    }
    return text.toString();
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
            out.append("&#xFFFD;");
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
