package dev.tend.cli.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.Table;
import dev.tend.cli.remote.ProblemException;
import dev.tend.cli.remote.TendClient;
import dev.tend.projects.ProjectRepository;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tend experiments}: the MLflow experiments on a Tend server. */
@Command(
    name = "experiments",
    mixinStandardHelpOptions = true,
    description = "MLflow experiments on a Tend server ($TEND_URL, $TEND_TOKEN).",
    subcommands = {ExperimentsCommand.ListExperiments.class})
public final class ExperimentsCommand {
  private ExperimentsCommand() {}

  /** {@code tend experiments list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the experiments the token may read, newest first: id, name, project.")
  static final class ListExperiments implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin FormatOption format;

    @Option(
        names = "--filter",
        paramLabel = "EXPR",
        description = "MLflow filter on name, times and tags: \"name LIKE 'flights%'\".")
    String filter;

    @Option(
        names = "--view",
        paramLabel = "VIEW",
        defaultValue = "active",
        description = "active (default), deleted or all experiments.")
    String view;

    @Override
    public Integer call() {
      boolean json = format.json();
      String viewType =
          switch (view.toLowerCase(Locale.ROOT)) {
            case "active" -> "ACTIVE_ONLY";
            case "deleted" -> "DELETED_ONLY";
            case "all" -> "ALL";
            default ->
                throw new Main.UsageException(
                    "unknown --view '" + view + "'; use active, deleted or all");
          };
      List<JsonNode> experiments = new ArrayList<>();
      try (TendClient client = connection.open()) {
        Mlflow.pages(
            OptionalInt.empty(),
            Mlflow.MAX_PAGE,
            "experiments",
            (size, token) ->
                Mlflow.get(
                    client,
                    "/experiments/search",
                    "filter",
                    filter,
                    "view_type",
                    viewType,
                    "max_results",
                    Integer.toString(size),
                    "page_token",
                    token.orElse(null)),
            experiments::add);
      } catch (ProblemException e) {
        throw Mlflow.searchError(e, "--filter");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode result = FormatOption.object();
        ArrayNode list = result.putArray("experiments");
        for (JsonNode experiment : experiments) {
          ObjectNode item =
              list.addObject()
                  .put("experiment_id", experiment.path("experiment_id").asText())
                  .put("name", experiment.path("name").asText())
                  .put("project", project(experiment))
                  .put("lifecycle_stage", experiment.path("lifecycle_stage").asText())
                  .put("artifact_location", experiment.path("artifact_location").asText())
                  .put("creation_time", experiment.path("creation_time").asLong())
                  .put("last_update_time", experiment.path("last_update_time").asLong());
          ObjectNode tags = item.putObject("tags");
          experiment
              .path("tags")
              .forEach(t -> tags.put(t.path("key").asText(), t.path("value").asText()));
        }
        FormatOption.print(out, result);
        return Main.OK;
      }
      if (experiments.isEmpty()) {
        out.println("No experiments match.");
        out.flush();
        return Main.OK;
      }
      Table table = Table.of("ID", "NAME", "PROJECT", "STAGE", "CREATED", "UPDATED");
      for (JsonNode experiment : experiments) {
        table.row(
            experiment.path("experiment_id").asText(),
            experiment.path("name").asText(),
            project(experiment),
            experiment.path("lifecycle_stage").asText(),
            Mlflow.time(experiment.path("creation_time").asLong()),
            Mlflow.time(experiment.path("last_update_time").asLong()));
      }
      out.print(table.render());
      out.flush();
      return Main.OK;
    }

    /** The Tend project: the experiment's {@code tend.project} tag, else the default project. */
    private static String project(JsonNode experiment) {
      for (JsonNode tag : experiment.path("tags")) {
        if (tag.path("key").asText().equals("tend.project")) {
          return tag.path("value").asText();
        }
      }
      return ProjectRepository.DEFAULT_PROJECT;
    }
  }
}
