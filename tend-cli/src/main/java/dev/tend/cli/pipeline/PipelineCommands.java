package dev.tend.cli.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.ProjectOption;
import dev.tend.cli.Table;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tend pipeline apply}, {@code list}, {@code runs}, {@code show}, {@code logs} and {@code
 * cancel}.
 */
final class PipelineCommands {
  private PipelineCommands() {}

  static String projectPath(String project) {
    return "/projects/" + TendClient.segment(project);
  }

  /** A run and its steps as a short report. */
  static void printRun(PrintWriter out, JsonNode run) {
    out.println(
        "Run "
            + run.path("id").asText()
            + " of "
            + run.path("pipeline").asText()
            + ": "
            + run.path("status").asText()
            + (run.hasNonNull("reason") ? " (" + run.path("reason").asText() + ")" : ""));
    out.println(
        "Trigger: "
            + run.path("trigger_detail").asText()
            + (run.hasNonNull("code_version") ? "; code " + run.path("code_version").asText() : "")
            + (run.hasNonNull("tracking_run_id")
                ? "; tracked as run " + run.path("tracking_run_id").asText()
                : ""));
    Table table = Table.of("STEP", "KIND", "STATUS", "ATTEMPTS", "WALL", "CPU", "PEAK MEM", "NOTE");
    for (JsonNode step : run.path("steps")) {
      table.row(
          step.path("id").asText(),
          step.path("kind").asText(),
          step.path("status").asText(),
          step.path("attempts").asInt(),
          seconds(step.path("wall_seconds").asDouble()),
          seconds(step.path("cpu_seconds").asDouble()),
          step.path("peak_memory_bytes").asLong() == 0
              ? ""
              : Table.bytes(step.path("peak_memory_bytes").asLong()),
          note(step));
    }
    if (!table.isEmpty()) {
      out.print(table.render());
    }
    out.flush();
  }

  private static String note(JsonNode step) {
    if (step.hasNonNull("reason")) {
      return step.path("reason").asText();
    }
    JsonNode outputs = step.path("outputs");
    for (String key : List.of("version", "deployment", "model")) {
      if (outputs.hasNonNull(key) && outputs.path(key).isValueNode()) {
        return key + " " + outputs.path(key).asText();
      }
    }
    if (outputs.path("decision").has("passed")) {
      return outputs.path("decision").path("passed").asBoolean() ? "passed" : "not passed";
    }
    return "";
  }

  private static String seconds(double value) {
    return value == 0 ? "" : String.format(java.util.Locale.ROOT, "%.1fs", value);
  }

  /** {@code tend pipeline apply FILE}. */
  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description =
          "Stores a pipeline file (with the files it names) on the server under its name, as a new"
              + " version when it changed; its triggers (schedule, dataset_version, alert) fire"
              + " from then on.")
  static final class Apply implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin FormatOption format;

    @Parameters(paramLabel = "FILE", description = "The pipeline file.")
    Path file;

    @Option(
        names = "--file",
        paramLabel = "PATH",
        description = "Another file to store, relative to the pipeline's folder (repeatable).")
    List<String> files = new ArrayList<>();

    @Override
    public Integer call() {
      PipelineFiles read = PipelineFiles.read(file, files);
      ObjectNode body = FormatOption.object().put("yaml", read.yaml());
      ObjectNode sent = body.putObject("files");
      read.files().forEach(sent::put);
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        TendClient.Response response =
            client.send(
                "PUT",
                projectPath(project.name())
                    + "/pipelines/"
                    + TendClient.segment(read.pipeline().name()),
                Optional.of(body),
                Map.of());
        if (format.json()) {
          FormatOption.print(out, response.body());
        } else {
          out.println(
              (response.status() == 201 ? "Stored " : "Unchanged: ")
                  + read.pipeline().name()
                  + " version "
                  + response.body().path("version").asInt()
                  + " ("
                  + read.files().size()
                  + " files).");
          out.flush();
        }
      }
      return Main.OK;
    }
  }

  /** {@code tend pipeline list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the pipelines stored in the project.")
  static final class ListPipelines implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin FormatOption format;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode list = client.get(projectPath(project.name()) + "/pipelines").body();
        if (format.json()) {
          FormatOption.print(out, list);
          return Main.OK;
        }
        Table table = Table.of("PIPELINE", "VERSION", "BY", "STORED AT");
        for (JsonNode d : list.path("items")) {
          table.row(
              d.path("name").asText(),
              d.path("version").asInt(),
              d.path("created_by").asText(),
              d.path("created_at").asText());
        }
        out.print(
            table.isEmpty()
                ? "No pipelines stored in project " + project.name() + ".\n"
                : table.render());
        out.flush();
      }
      return Main.OK;
    }
  }

  /** {@code tend pipeline runs [NAME]}. */
  @Command(
      name = "runs",
      mixinStandardHelpOptions = true,
      description = "Lists pipeline runs, newest first.")
  static final class Runs implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin FormatOption format;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "Only runs of this pipeline.")
    String name;

    @Option(
        names = "--status",
        paramLabel = "STATUS",
        description = "Only runs in this status: queued, running, succeeded, failed, cancelled.")
    String status;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "20",
        description = "Show at most N runs (default: 20, at most 500).")
    int limit;

    @Override
    public Integer call() {
      if (limit < 1 || limit > 500) {
        throw new Main.UsageException("--limit must be 1 to 500, got " + limit);
      }
      StringBuilder query = new StringBuilder("?limit=" + limit);
      if (name != null) {
        query.append("&pipeline=").append(TendClient.query(name));
      }
      if (status != null) {
        query.append("&status=").append(TendClient.query(status));
      }
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode page = client.get(projectPath(project.name()) + "/pipeline-runs" + query).body();
        if (format.json()) {
          FormatOption.print(out, page);
          return Main.OK;
        }
        Table table = Table.of("RUN", "PIPELINE", "STATUS", "TRIGGER", "CREATED AT", "REASON");
        for (JsonNode r : page.path("items")) {
          table.row(
              r.path("id").asText(),
              r.path("pipeline").asText(),
              r.path("status").asText(),
              r.path("trigger").asText(),
              r.path("created_at").asText(),
              r.path("reason").asText(""));
        }
        out.print(table.isEmpty() ? "No pipeline runs.\n" : table.render());
        out.flush();
      }
      return Main.OK;
    }
  }

  /** {@code tend pipeline show RUN}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Shows a run: status, trigger, code version and each step with its attempts, wall and CPU"
              + " time, peak memory and outcome.")
  static final class Show implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin FormatOption format;

    @Parameters(paramLabel = "RUN", description = "The run's id.")
    String run;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode found = client.get(RunFollower.runPath(project.name(), run)).body();
        if (format.json()) {
          FormatOption.print(out, found);
        } else {
          printRun(out, found);
        }
      }
      return Main.OK;
    }
  }

  /** {@code tend pipeline logs RUN}. */
  @Command(
      name = "logs",
      mixinStandardHelpOptions = true,
      description = "Prints a run's log ([step] line); --follow keeps printing until the run ends.")
  static final class Logs implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;

    @Parameters(paramLabel = "RUN", description = "The run's id.")
    String run;

    @Option(names = "--step", paramLabel = "STEP", description = "Only this step's lines.")
    String step;

    @Option(
        names = {"--follow", "-f"},
        description = "Keep printing until the run ends.")
    boolean follow;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        if (follow) {
          RunFollower.follow(client, project.name(), run, Optional.ofNullable(step), true, out);
          return Main.OK;
        }
        long after = 0;
        while (true) {
          String query =
              "?after="
                  + after
                  + "&max=10000"
                  + (step == null ? "" : "&step=" + TendClient.query(step));
          JsonNode logs =
              client.get(RunFollower.runPath(project.name(), run) + "/logs" + query).body();
          for (JsonNode line : logs.path("lines")) {
            out.println("[" + line.path("step").asText() + "] " + line.path("text").asText());
          }
          after = logs.path("last").asLong(after);
          if (logs.path("lines").size() < 10_000) {
            break;
          }
        }
        out.flush();
      }
      return Main.OK;
    }
  }

  /** {@code tend pipeline cancel RUN}. */
  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description =
          "Cancels a run: a queued one at once, a running one at its next check (its step is"
              + " stopped, a command's processes killed).")
  static final class Cancel implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;

    @Parameters(paramLabel = "RUN", description = "The run's id.")
    String run;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode before = client.get(RunFollower.runPath(project.name(), run)).body();
        if (RunFollower.isEnded(before)) {
          out.println("Run " + run + " had already ended: " + before.path("status").asText() + ".");
          out.flush();
          return Main.OK;
        }
        JsonNode after =
            client
                .send(
                    "POST",
                    RunFollower.runPath(project.name(), run) + "/cancel",
                    Optional.of(FormatOption.object()),
                    Map.of())
                .body();
        out.println(
            after.path("status").asText().equals("cancelled")
                ? "Cancelled run " + run + "."
                : RunFollower.isEnded(after)
                    ? "Run " + run + " ended first: " + after.path("status").asText() + "."
                    : "Asked run " + run + " to stop; it stops at its next check.");
        out.flush();
      }
      return Main.OK;
    }
  }
}
