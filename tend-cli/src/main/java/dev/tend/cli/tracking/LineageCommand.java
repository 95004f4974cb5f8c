package dev.tend.cli.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.Table;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tend lineage run ID} and {@code tend lineage model-version ID}: the dataset versions a run
 * or a model version used, across the projects the caller may read.
 */
@Command(
    name = "lineage",
    mixinStandardHelpOptions = true,
    description = "Which dataset versions a run or a model version used.",
    subcommands = {LineageCommand.Run.class, LineageCommand.ModelVersion.class})
public final class LineageCommand {
  private LineageCommand() {}

  /** {@code tend lineage run ID}. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = "Lists the dataset versions a run used.")
  static final class Run implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin FormatOption format;

    @Parameters(paramLabel = "ID", description = "Run id.")
    String id;

    @Override
    public Integer call() {
      return show(spec, connection, format, "run", id);
    }
  }

  /** {@code tend lineage model-version ID}. */
  @Command(
      name = "model-version",
      mixinStandardHelpOptions = true,
      description = "Lists the dataset versions a model version was trained on.")
  static final class ModelVersion implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin FormatOption format;

    @Parameters(paramLabel = "ID", description = "Model version id.")
    String id;

    @Override
    public Integer call() {
      return show(spec, connection, format, "model_version", id);
    }
  }

  private static int show(
      picocli.CommandLine.Model.CommandSpec spec,
      Connection connection,
      FormatOption format,
      String kind,
      String id) {
    boolean json = format.json();
    JsonNode versions;
    try (TendClient client = connection.open()) {
      versions =
          client
              .get("/lineage/" + TendClient.segment(kind) + "/" + TendClient.segment(id))
              .body()
              .path("dataset_versions");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode result = FormatOption.object().put("kind", kind).put("id", id);
      ArrayNode list = result.putArray("dataset_versions");
      for (JsonNode version : versions) {
        list.addObject()
            .put("project", version.path("project").asText())
            .put("dataset", version.path("dataset").asText())
            .put("version", version.path("version").asInt())
            .put("status", version.path("status").asText())
            .put("recorded_at", version.path("recorded_at").asText());
      }
      FormatOption.print(out, result);
      return Main.OK;
    }
    if (versions.isEmpty()) {
      out.println("No dataset version is recorded as used by " + kind + " " + id + ".");
      out.flush();
      return Main.OK;
    }
    Table table = Table.of("PROJECT", "DATASET", "VERSION", "STATUS", "RECORDED AT");
    versions.forEach(
        v ->
            table.row(
                v.path("project").asText(),
                v.path("dataset").asText(),
                v.path("version").asInt(),
                v.path("status").asText(),
                v.path("recorded_at").asText()));
    out.print(table.render());
    out.flush();
    return Main.OK;
  }
}
