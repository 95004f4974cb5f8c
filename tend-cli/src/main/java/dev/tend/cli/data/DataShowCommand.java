package dev.tend.cli.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.ProjectOption;
import dev.tend.cli.Table;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tend data show NAME@REF}: one version's files, schema, profile summary and checks. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Shows a version: status, rows, files, schema, aliases and check results.")
final class DataShowCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Connection connection;
  @Mixin ProjectOption project;
  @Mixin FormatOption format;

  @Parameters(
      paramLabel = "NAME@REF",
      description = "The version: trips@3, trips@production; NAME alone means NAME@latest.")
  String reference;

  @Override
  public Integer call() {
    boolean json = format.json();
    DatasetRef ref = DatasetRef.parse(reference);
    JsonNode version;
    Map<Integer, List<String>> aliases;
    try (TendClient client = connection.open()) {
      version = client.get(DataCommand.versionPath(project.name(), ref)).body();
      aliases =
          DataCommand.aliasesByVersion(DataCommand.aliases(client, project.name(), ref.dataset()));
    }
    int number = version.path("number").asInt();
    List<String> names = aliases.getOrDefault(number, List.of());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode result =
          FormatOption.object().put("project", project.name()).put("dataset", ref.dataset());
      result.setAll((ObjectNode) version);
      ArrayNode list = result.putArray("aliases");
      names.forEach(list::add);
      FormatOption.print(out, result);
      return Main.OK;
    }
    out.print(render(project.name(), ref.dataset(), version, names));
    out.flush();
    return Main.OK;
  }

  static String render(String project, String dataset, JsonNode version, List<String> aliases) {
    StringBuilder text = new StringBuilder();
    JsonNode files = version.path("files");
    JsonNode columns = version.path("schema").path("columns");
    text.append(dataset)
        .append('@')
        .append(version.path("number").asInt())
        .append(" (project ")
        .append(project)
        .append(")\n");
    fact(text, "status", version.path("status").asText());
    fact(
        text,
        "rows",
        Table.count(version.path("row_count").asLong()) + " in " + columns.size() + " columns");
    fact(
        text,
        "size",
        Table.bytes(version.path("total_bytes").asLong())
            + " in "
            + files.size()
            + (files.size() == 1 ? " file" : " files"));
    fact(
        text,
        "created",
        version.path("created_at").asText() + " by " + version.path("created_by").asText());
    fact(text, "source", version.path("source").asText());
    fact(text, "aliases", aliases.isEmpty() ? "(none)" : String.join(", ", aliases));

    text.append("\nFiles\n");
    Table fileTable = Table.of("PATH", "SIZE", "SHA-256");
    files.forEach(
        f ->
            fileTable.row(
                f.path("path").asText(),
                Table.count(f.path("size").asLong()),
                f.path("sha256").asText()));
    text.append(indent(fileTable.render()));

    text.append("\nSchema\n");
    Table schema = Table.of("COLUMN", "TYPE", "SOURCE TYPE");
    columns.forEach(
        c ->
            schema.row(
                c.path("name").asText(), c.path("type").asText(), c.path("source_type").asText()));
    text.append(indent(schema.render()));

    text.append("\nChecks\n");
    JsonNode report = version.path("check_report");
    if (!report.isObject()) {
      text.append("  no suite was attached when this version was pushed\n");
      return text.toString();
    }
    Table checks = Table.of("RESULT", "CHECK", "OBSERVED", "EXPECTED");
    for (JsonNode check : report.path("checks")) {
      String outcome = check.path("outcome").asText();
      checks.row(
          outcome.equals("passed") ? "PASS" : outcome.equals("failed") ? "FAIL" : outcome,
          check.path("name").asText(),
          check.path("observed").asText(""),
          outcome.equals("passed") ? "" : check.path("expected").asText(""));
    }
    text.append(indent(checks.render()));
    for (JsonNode threshold : report.path("thresholds")) {
      text.append(
          String.format(
              Locale.ROOT,
              "  %s  threshold %s >= %s%%: %s%%%n",
              threshold.path("passed").asBoolean() ? "PASS" : "FAIL",
              threshold.path("dimension").asText(),
              threshold.path("min_percent").asText(),
              threshold.path("score").asText()));
    }
    JsonNode summary = report.path("summary");
    text.append(
        String.format(
            Locale.ROOT,
            "  %s: %d of %d checks passed, %d errors and %d warnings failed%n",
            report.path("passed").asBoolean() ? "PASSED" : "FAILED",
            summary.path("passed").asInt(),
            summary.path("checks").asInt(),
            summary.path("failed_errors").asInt(),
            summary.path("failed_warnings").asInt()));
    return text.toString();
  }

  private static void fact(StringBuilder text, String name, String value) {
    text.append(String.format(Locale.ROOT, "  %-8s %s%n", name, value));
  }

  private static String indent(String text) {
    return text.lines().map(l -> "  " + l + "\n").reduce("", String::concat);
  }
}
