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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tend data history} and {@code lineage}: where an alias has been, and who used a version.
 */
final class DataLineageCommands {
  private DataLineageCommands() {}

  /** {@code tend data history NAME ALIAS}. */
  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description =
          "Lists the moves of an alias, newest first: version, previous version, who, why,"
              + " whether forced, when.")
  static final class History implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin FormatOption format;

    @Parameters(index = "0", paramLabel = "NAME", description = "Dataset name.")
    String name;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "Alias, such as production.")
    String alias;

    @Override
    public Integer call() {
      boolean json = format.json();
      DatasetRef.parse(name + "@" + alias);
      JsonNode items;
      try (TendClient client = connection.open()) {
        items =
            client
                .get(
                    DataCommand.path(project.name(), name)
                        + "/aliases/"
                        + TendClient.segment(alias)
                        + "/history")
                .body()
                .path("items");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode result =
            FormatOption.object()
                .put("project", project.name())
                .put("dataset", name)
                .put("alias", alias);
        ArrayNode moves = result.putArray("moves");
        for (JsonNode item : items) {
          ObjectNode move = moves.addObject().put("version", item.path("version").asInt());
          JsonNode previous = item.path("previous_version");
          if (previous.isNumber()) {
            move.put("previous_version", previous.asInt());
          } else {
            move.putNull("previous_version");
          }
          move.put("moved_by", item.path("moved_by").asText(""));
          JsonNode reason = item.path("reason");
          if (reason.isTextual()) {
            move.put("reason", reason.asText());
          } else {
            move.putNull("reason");
          }
          move.put("forced", item.path("forced").asBoolean())
              .put("moved_at", item.path("moved_at").asText(""));
        }
        FormatOption.print(out, result);
        return Main.OK;
      }
      Table table = Table.of("VERSION", "PREVIOUS", "BY", "REASON", "FORCED", "MOVED AT");
      for (JsonNode item : items) {
        JsonNode previous = item.path("previous_version");
        table.row(
            item.path("version").asInt(),
            previous.isNumber() ? Integer.toString(previous.asInt()) : "-",
            item.path("moved_by").asText(""),
            item.path("reason").isTextual() ? item.path("reason").asText() : "",
            item.path("forced").asBoolean() ? "yes" : "no",
            item.path("moved_at").asText(""));
      }
      out.print(table.render());
      out.flush();
      return Main.OK;
    }
  }

  /** {@code tend data lineage NAME@REF}. */
  @Command(
      name = "lineage",
      mixinStandardHelpOptions = true,
      description = "Lists the runs and model versions that used a dataset version.")
  static final class Lineage implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin FormatOption format;

    @Parameters(
        paramLabel = "NAME@REF",
        description = "Dataset and version number or alias (default: latest).")
    String reference;

    @Override
    public Integer call() {
      boolean json = format.json();
      DatasetRef ref = DatasetRef.parse(reference);
      JsonNode usedBy;
      try (TendClient client = connection.open()) {
        usedBy =
            client
                .get(DataCommand.versionPath(project.name(), ref) + "/lineage")
                .body()
                .path("used_by");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode result =
            FormatOption.object()
                .put("project", project.name())
                .put("dataset", ref.dataset())
                .put("ref", ref.ref());
        ArrayNode list = result.putArray("used_by");
        for (JsonNode usage : usedBy) {
          list.addObject()
              .put("kind", usage.path("kind").asText())
              .put("id", usage.path("id").asText())
              .put("recorded_at", usage.path("recorded_at").asText());
        }
        FormatOption.print(out, result);
        return Main.OK;
      }
      if (usedBy.isEmpty()) {
        out.println("No run or model version has used " + ref + " yet.");
        out.flush();
        return Main.OK;
      }
      Table table = Table.of("KIND", "ID", "RECORDED AT");
      usedBy.forEach(
          u ->
              table.row(
                  u.path("kind").asText(), u.path("id").asText(), u.path("recorded_at").asText()));
      out.print(table.render());
      out.flush();
      return Main.OK;
    }
  }
}
