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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tend data log NAME}: a dataset's versions, newest first, with their aliases. */
@Command(
    name = "log",
    mixinStandardHelpOptions = true,
    description = "Lists a dataset's versions, newest first: status, rows, who, when, aliases.")
final class DataLogCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Connection connection;
  @Mixin ProjectOption project;
  @Mixin FormatOption format;

  @Parameters(paramLabel = "NAME", description = "Dataset name.")
  String name;

  @Override
  public Integer call() {
    boolean json = format.json();
    List<JsonNode> versions;
    Map<Integer, List<String>> aliases;
    try (TendClient client = connection.open()) {
      versions =
          new ArrayList<>(client.getAll(DataCommand.path(project.name(), name) + "/versions"));
      aliases = DataCommand.aliasesByVersion(DataCommand.aliases(client, project.name(), name));
    }
    versions.sort((a, b) -> Integer.compare(b.path("number").asInt(), a.path("number").asInt()));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode result = FormatOption.object().put("project", project.name()).put("dataset", name);
      ArrayNode list = result.putArray("versions");
      for (JsonNode version : versions) {
        ObjectNode item =
            list.addObject()
                .put("number", version.path("number").asInt())
                .put("status", version.path("status").asText())
                .put("row_count", version.path("row_count").asLong())
                .put("total_bytes", version.path("total_bytes").asLong())
                .put("created_by", version.path("created_by").asText())
                .put("created_at", version.path("created_at").asText())
                .put("committed_at", version.path("committed_at").asText())
                .put("source", version.path("source").asText());
        ArrayNode names = item.putArray("aliases");
        aliases
            .getOrDefault(version.path("number").asInt(), Collections.emptyList())
            .forEach(names::add);
      }
      FormatOption.print(out, result);
      return Main.OK;
    }
    if (versions.isEmpty()) {
      out.println("Dataset " + name + " has no versions yet; push one with tend data push.");
      out.flush();
      return Main.OK;
    }
    Table table = Table.of("VERSION", "STATUS", "ROWS", "SIZE", "BY", "CREATED AT", "ALIASES");
    for (JsonNode version : versions) {
      int number = version.path("number").asInt();
      table.row(
          number,
          version.path("status").asText(),
          Table.count(version.path("row_count").asLong()),
          Table.bytes(version.path("total_bytes").asLong()),
          version.path("created_by").asText(),
          version.path("created_at").asText(),
          String.join(", ", aliases.getOrDefault(number, List.of())));
    }
    out.print(table.render());
    out.flush();
    return Main.OK;
  }
}
