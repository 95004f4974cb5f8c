package dev.tend.cli.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.ProjectOption;
import dev.tend.cli.Table;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tend data diff NAME@A NAME@B}: what changed between two versions: schema, rows, drift per
 * column and checks that newly fail.
 */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Compares two versions of a dataset: schema changes, row count change, per-column drift"
          + " (from the stored profiles) and checks that newly fail or pass."
    })
final class DataDiffCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Connection connection;
  @Mixin ProjectOption project;
  @Mixin FormatOption format;

  @Parameters(index = "0", paramLabel = "NAME@A", description = "The older version.")
  String from;

  @Parameters(index = "1", paramLabel = "NAME@B", description = "The newer version.")
  String to;

  @Override
  public Integer call() {
    boolean json = format.json();
    DatasetRef a = DatasetRef.parse(from);
    DatasetRef b = DatasetRef.parse(to);
    if (!a.dataset().equals(b.dataset())) {
      throw new Main.UsageException(
          "diff compares two versions of one dataset, not " + a.dataset() + " and " + b.dataset());
    }
    JsonNode diff;
    try (TendClient client = connection.open()) {
      diff =
          client
              .get(
                  DataCommand.path(project.name(), a.dataset())
                      + "/diff?from="
                      + TendClient.query(a.ref())
                      + "&to="
                      + TendClient.query(b.ref()))
              .body();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode result =
          FormatOption.object().put("project", project.name()).put("dataset", a.dataset());
      result.setAll((ObjectNode) diff);
      FormatOption.print(out, result);
    } else {
      out.print(render(a.dataset(), diff));
      out.flush();
    }
    return Main.OK;
  }

  static String render(String dataset, JsonNode diff) {
    StringBuilder text = new StringBuilder();
    JsonNode from = diff.path("from");
    JsonNode to = diff.path("to");
    text.append(
        String.format(
            Locale.ROOT,
            "%s@%d (%s) -> %s@%d (%s)%n",
            dataset,
            from.path("number").asInt(),
            from.path("status").asText(),
            dataset,
            to.path("number").asInt(),
            to.path("status").asText()));

    JsonNode rows = diff.path("rows");
    long change = rows.path("change").asLong();
    JsonNode relative = rows.path("relative_change");
    text.append(
        String.format(
            Locale.ROOT,
            "%nRows: %s -> %s (%s%s%s)%n",
            Table.count(rows.path("from").asLong()),
            Table.count(rows.path("to").asLong()),
            change >= 0 ? "+" : "",
            Table.count(change),
            relative.isNumber()
                ? String.format(
                    Locale.ROOT,
                    ", %s%.2f%%",
                    relative.asDouble() >= 0 ? "+" : "",
                    relative.asDouble() * 100)
                : ""));

    JsonNode schema = diff.path("schema");
    text.append("\nSchema\n");
    int changes = 0;
    for (JsonNode column : schema.path("added")) {
      text.append("  + ").append(column.path("name").asText()).append("  ");
      text.append(column.path("type").asText()).append('\n');
      changes++;
    }
    for (JsonNode column : schema.path("removed")) {
      text.append("  - ").append(column.path("name").asText()).append("  ");
      text.append(column.path("type").asText()).append('\n');
      changes++;
    }
    for (JsonNode column : schema.path("changed")) {
      text.append("  ~ ").append(column.path("name").asText()).append("  ");
      text.append(column.path("from_type").asText()).append(" -> ");
      text.append(column.path("to_type").asText()).append('\n');
      changes++;
    }
    if (changes == 0) {
      text.append("  unchanged\n");
    }

    text.append("\nDrift per column\n");
    Table drift = Table.of("COLUMN", "TYPE", "METHOD", "SCORE", "THRESHOLD", "DRIFTED", "NULLS");
    for (JsonNode column : diff.path("columns")) {
      drift.row(
          column.path("name").asText(),
          column.path("type").asText(),
          column.path("method").asText(),
          number(column.path("score")),
          number(column.path("threshold")),
          column.path("drifted").asBoolean() ? "DRIFTED" : "no",
          percent(column.path("null_fraction_from"))
              + " -> "
              + percent(column.path("null_fraction_to")));
    }
    text.append(drift.isEmpty() ? "  no columns in common\n" : indent(drift.render()));

    JsonNode checks = diff.path("checks");
    text.append("\nChecks\n");
    int listed = 0;
    listed += checks(text, "newly failing", checks.path("newly_failing"));
    listed += checks(text, "still failing", checks.path("still_failing"));
    listed += checks(text, "newly passing", checks.path("newly_passing"));
    if (listed == 0) {
      text.append("  no check fails in either version\n");
    }
    return text.toString();
  }

  private static int checks(StringBuilder text, String label, JsonNode list) {
    for (JsonNode check : list) {
      text.append("  ")
          .append(label)
          .append(": ")
          .append(check.path("check").asText())
          .append(" [")
          .append(check.path("severity").asText())
          .append("]");
      String message = check.path("message").asText("");
      if (!message.isEmpty()) {
        text.append("  ").append(message);
      }
      text.append('\n');
    }
    return list.size();
  }

  private static String number(JsonNode value) {
    return value.isNumber() ? String.format(Locale.ROOT, "%.4f", value.asDouble()) : "-";
  }

  private static String percent(JsonNode value) {
    return value.isNumber() ? String.format(Locale.ROOT, "%.2f%%", value.asDouble() * 100) : "-";
  }

  private static String indent(String text) {
    return text.lines().map(l -> "  " + l + "\n").reduce("", String::concat);
  }
}
