package dev.tend.cli.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/** An alert's {@code root_cause} (docs/alerts.md, "Root cause") as lines for people. */
final class RootCauseText {
  private RootCauseText() {}

  /** The report's lines, each indented by {@code indent}; none when {@code cause} is absent. */
  static List<String> lines(JsonNode cause, String indent) {
    List<String> lines = new ArrayList<>();
    if (cause == null || !cause.isObject()) {
      return lines;
    }
    lines.add(indent + "Root cause: " + cause.path("summary").asText());
    StringBuilder where =
        new StringBuilder("window " + cause.at("/window/start").asText())
            .append(" to ")
            .append(cause.at("/window/end").asText());
    JsonNode model = cause.path("model");
    if (model.isObject()) {
      where
          .append("; model ")
          .append(model.path("name").asText())
          .append(" v")
          .append(model.path("version").asText());
      if (model.hasNonNull("run_id")) {
        where.append(" (run ").append(model.path("run_id").asText()).append(')');
      }
    }
    List<String> datasets = new ArrayList<>();
    cause
        .path("datasets")
        .forEach(d -> datasets.add(d.path("name").asText() + " v" + d.path("version").asText()));
    if (!datasets.isEmpty()) {
      where.append("; trained on ").append(String.join(", ", datasets));
    }
    lines.add(indent + "  " + where);
    section(lines, indent, "Quality", cause.path("quality"), RootCauseText::quality);
    section(
        lines, indent, "Drifted features", cause.path("drifted_features"), RootCauseText::drift);
    section(lines, indent, "Failing checks", cause.path("failing_checks"), RootCauseText::check);
    section(lines, indent, "Weakest segments", cause.path("segments"), RootCauseText::segment);
    return lines;
  }

  private static void section(
      List<String> lines,
      String indent,
      String title,
      JsonNode items,
      java.util.function.Function<JsonNode, String> line) {
    if (!items.isArray() || items.isEmpty()) {
      return;
    }
    lines.add(indent + "  " + title + ":");
    items.forEach(i -> lines.add(indent + "    " + line.apply(i)));
  }

  private static String quality(JsonNode q) {
    String column = q.path("column").asText();
    return (column.isEmpty() ? "(all columns)" : column)
        + "  "
        + q.path("metric").asText()
        + " "
        + percent(q.path("value").asDouble())
        + (q.path("baseline").isNumber()
            ? " (before: " + percent(q.path("baseline").asDouble()) + ")"
            : " (no earlier window)");
  }

  private static String drift(JsonNode d) {
    return d.path("column").asText()
        + "  "
        + (d.hasNonNull("method") ? d.path("method").asText() : "effect")
        + " "
        + number(d.path("effect").asDouble())
        + (d.path("threshold").isNumber()
            ? " (threshold " + number(d.path("threshold").asDouble()) + ")"
            : "")
        + " since "
        + d.path("since").asText();
  }

  private static String check(JsonNode c) {
    List<String> columns = new ArrayList<>();
    c.path("columns").forEach(n -> columns.add(n.asText()));
    return c.path("check").asText()
        + (columns.isEmpty() ? "" : " [" + String.join(", ", columns) + "]")
        + ": "
        + c.path("observed").asText();
  }

  private static String segment(JsonNode s) {
    return s.path("segment").asText()
        + "  "
        + s.path("metric").asText()
        + " "
        + number(s.path("value").asDouble())
        + " against "
        + number(s.path("baseline").asDouble())
        + " overall (down "
        + number(s.path("drop").asDouble())
        + ", "
        + s.path("rows").asLong()
        + " rows)";
  }

  private static String percent(double share) {
    return number(share * 100) + "%";
  }

  private static String number(double value) {
    if (!Double.isFinite(value) || value == 0) {
      return value == 0 ? "0" : Double.toString(value);
    }
    return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }
}
