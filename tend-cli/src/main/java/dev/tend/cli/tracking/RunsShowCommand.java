package dev.tend.cli.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.Table;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tend runs show RUN_ID}: a run's info, params, latest metrics, tags and dataset inputs. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Shows a run: info, params, latest metrics, tags and the datasets it read.")
final class RunsShowCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Connection connection;
  @Mixin FormatOption format;

  @Parameters(paramLabel = "RUN_ID", description = "The run's id.")
  String runId;

  @Override
  public Integer call() {
    boolean json = format.json();
    RunView run;
    String experimentName;
    try (TendClient client = connection.open()) {
      run = read(client, runId);
      experimentName =
          Mlflow.get(client, "/experiments/get", "experiment_id", run.experimentId())
              .path("experiment")
              .path("name")
              .asText();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      FormatOption.print(out, run.toJson(Optional.of(experimentName)));
      return Main.OK;
    }
    out.print(render(run, experimentName));
    out.flush();
    return Main.OK;
  }

  /** The run {@code runId} (runs/get); an unknown id is a usage error naming it. */
  static RunView read(TendClient client, String runId) {
    if (runId.isBlank()) {
      throw new Main.UsageException("a run id must not be blank");
    }
    JsonNode answer = Mlflow.get(client, "/runs/get", "run_id", runId);
    return RunView.of(answer.path("run"));
  }

  static String render(RunView run, String experimentName) {
    StringBuilder text = new StringBuilder();
    text.append("Run ").append(run.runId());
    if (!run.runName().isEmpty()) {
      text.append(" (").append(run.runName()).append(')');
    }
    text.append('\n');
    fact(text, "experiment", experimentName + " (id " + run.experimentId() + ")");
    fact(
        text,
        "status",
        run.status() + (run.lifecycleStage().equals("deleted") ? " (deleted)" : ""));
    run.userId().ifPresent(user -> fact(text, "user", user));
    fact(text, "started", Mlflow.time(run.startTime()));
    fact(
        text,
        "ended",
        run.endTime().map(end -> Mlflow.time(end) + " (" + run.duration() + ")").orElse(""));
    fact(text, "artifacts", run.artifactUri());

    text.append("\nParams\n");
    if (run.params().isEmpty()) {
      text.append("  (none)\n");
    } else {
      Table params = Table.of("KEY", "VALUE");
      run.params().forEach(params::row);
      text.append(indent(params.render()));
    }

    text.append("\nMetrics (latest)\n");
    if (run.metrics().isEmpty()) {
      text.append("  (none)\n");
    } else {
      Table metrics = Table.of("KEY", "VALUE", "STEP", "LOGGED AT");
      run.metrics()
          .forEach(
              (key, point) ->
                  metrics.row(
                      key,
                      Mlflow.number(point.value()),
                      point.step(),
                      Mlflow.time(point.timestamp())));
      text.append(indent(metrics.render()));
    }

    text.append("\nTags\n");
    if (run.tags().isEmpty()) {
      text.append("  (none)\n");
    } else {
      Table tags = Table.of("KEY", "VALUE");
      run.tags().forEach(tags::row);
      text.append(indent(tags.render()));
    }

    text.append("\nDatasets\n");
    if (run.inputs().isEmpty()) {
      text.append("  (none)\n");
    } else {
      Table inputs = Table.of("NAME", "CONTEXT", "SOURCE TYPE", "SOURCE", "DIGEST", "TEND VERSION");
      for (RunView.Input input : run.inputs()) {
        inputs.row(
            input.name(),
            input.context().orElse(""),
            input.sourceType(),
            input.source(),
            input.digest(),
            input.tendDatasetVersionId().orElse(""));
      }
      text.append(indent(inputs.render()));
    }
    return text.toString();
  }

  private static void fact(StringBuilder text, String name, String value) {
    text.append(String.format(Locale.ROOT, "  %-10s %s", name, value).stripTrailing()).append('\n');
  }

  static String indent(String text) {
    return text.lines().map(l -> "  " + l + "\n").reduce("", String::concat);
  }
}
