package dev.tend.cli.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.Table;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tend project}: creates and lists the projects of a Tend server. */
@Command(
    name = "project",
    mixinStandardHelpOptions = true,
    description = "Creates and lists projects on a Tend server.",
    subcommands = {ProjectCommand.Create.class, ProjectCommand.ListProjects.class})
public final class ProjectCommand {

  /** {@code tend project create NAME}. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Creates a project (needs a global admin token).")
  static final class Create implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;

    @Parameters(paramLabel = "NAME", description = "Project name.")
    String name;

    @Option(names = "--description", paramLabel = "TEXT", description = "What the project is for.")
    String description;

    @Override
    public Integer call() {
      ObjectNode body = FormatOption.object().put("name", name);
      if (description != null) {
        body.put("description", description);
      }
      try (TendClient client = connection.open()) {
        client.send("POST", "/projects", Optional.of(body), Map.of());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("Created project " + name);
      out.flush();
      return Main.OK;
    }
  }

  /** {@code tend project list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the projects the token may read.")
  static final class ListProjects implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin FormatOption format;

    @Override
    public Integer call() {
      boolean json = format.json();
      List<JsonNode> projects;
      try (TendClient client = connection.open()) {
        projects = client.getAll("/projects");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode root = FormatOption.object();
        ArrayNode items = root.putArray("projects");
        for (JsonNode project : projects) {
          items
              .addObject()
              .put("name", project.path("name").asText())
              .put("description", project.path("description").asText(""))
              .put("created_at", project.path("created_at").asText())
              .put("created_by", project.path("created_by").asText());
        }
        FormatOption.print(out, root);
        return Main.OK;
      }
      Table table = Table.of("NAME", "DESCRIPTION", "CREATED BY", "CREATED AT");
      for (JsonNode project : projects) {
        table.row(
            project.path("name").asText(),
            project.path("description").asText(""),
            project.path("created_by").asText(),
            project.path("created_at").asText());
      }
      out.print(table.render());
      out.flush();
      return Main.OK;
    }
  }
}
