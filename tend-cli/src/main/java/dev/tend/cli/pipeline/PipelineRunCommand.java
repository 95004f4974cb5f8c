package dev.tend.cli.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.ProjectOption;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * {@code tend pipeline run FILE|NAME}: queues a run of a local pipeline file (sent with the files
 * it names and the git commit of its folder) or of a pipeline stored on the server; with {@code
 * --wait}, follows it to its end and exits 1 unless it succeeded.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Queues a run of a pipeline: a local FILE (checked here first, then sent with the suites and"
          + " scripts it names and the git commit of its folder) or a NAME stored with"
          + " tend pipeline apply.",
      "With --wait, prints the run's log as it goes and exits 0 if it succeeded, 1 if it failed or"
          + " was cancelled."
    })
final class PipelineRunCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Connection connection;
  @Mixin ProjectOption project;
  @Mixin FormatOption format;

  @Parameters(paramLabel = "FILE|NAME", description = "A pipeline file, or a stored pipeline.")
  String target;

  @Option(
      names = {"--param", "-p"},
      paramLabel = "NAME=VALUE",
      description = "A parameter value (repeatable).")
  List<String> params = new ArrayList<>();

  @Option(
      names = "--file",
      paramLabel = "PATH",
      description = "Another file to send, relative to the pipeline's folder (repeatable).")
  List<String> files = new ArrayList<>();

  @Option(names = "--wait", description = "Follow the run to its end; exit 1 unless it succeeded.")
  boolean await;

  @Override
  public Integer call() {
    ObjectNode body = FormatOption.object();
    ObjectNode values = body.putObject("params");
    parse(params).forEach(values::put);
    Path file = Path.of(target);
    boolean local = Files.exists(file) || target.endsWith(".yaml") || target.endsWith(".yml");
    String path;
    if (local) {
      PipelineFiles read = PipelineFiles.read(file, files);
      body.put("yaml", read.yaml());
      ObjectNode sent = body.putObject("files");
      read.files().forEach(sent::put);
      read.code().ifPresent(c -> body.put("code_version", c));
      path = "/projects/" + TendClient.segment(project.name()) + "/pipeline-runs";
    } else {
      if (!files.isEmpty()) {
        throw new Main.UsageException("--file goes with a pipeline file, not a stored pipeline");
      }
      path =
          "/projects/"
              + TendClient.segment(project.name())
              + "/pipelines/"
              + TendClient.segment(target)
              + "/runs";
    }
    PrintWriter out = spec.commandLine().getOut();
    try (TendClient client = connection.open()) {
      JsonNode run = client.send("POST", path, Optional.of(body), Map.of()).body();
      String id = run.path("id").asText();
      if (!await) {
        if (format.json()) {
          FormatOption.print(out, run);
        } else {
          out.println("Queued run " + id + " of pipeline " + run.path("pipeline").asText() + ".");
          out.println("Follow it with: tend pipeline logs " + id + " --follow");
          out.flush();
        }
        return Main.OK;
      }
      if (!format.json()) {
        out.println("Run " + id + " of pipeline " + run.path("pipeline").asText() + ":");
        out.flush();
      }
      JsonNode ended =
          RunFollower.follow(client, project.name(), id, Optional.empty(), !format.json(), out);
      if (format.json()) {
        FormatOption.print(out, ended);
      } else {
        PipelineCommands.printRun(out, ended);
      }
      return ended.path("status").asText().equals("succeeded") ? Main.OK : Main.CHECK_FAILED;
    }
  }

  static Map<String, String> parse(List<String> params) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String param : params) {
      int eq = param.indexOf('=');
      if (eq <= 0) {
        throw new Main.UsageException("--param takes NAME=VALUE, not '" + param + "'");
      }
      values.put(param.substring(0, eq), param.substring(eq + 1));
    }
    return values;
  }
}
