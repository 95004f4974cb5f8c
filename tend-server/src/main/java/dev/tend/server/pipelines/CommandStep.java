package dev.tend.server.pipelines;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.datasets.DatasetVersion;
import dev.tend.engine.Engine;
import dev.tend.pipeline.DatasetRef;
import dev.tend.pipeline.Step;
import dev.tend.pipeline.command.CommandContractException;
import dev.tend.pipeline.command.CommandInput;
import dev.tend.pipeline.command.CommandOutcome;
import dev.tend.pipeline.command.CommandOutputs;
import dev.tend.pipeline.command.CommandParams;
import dev.tend.pipeline.command.CommandRunner;
import dev.tend.pipeline.command.CommandSpec;
import dev.tend.pipeline.command.CommandWorkspace;
import dev.tend.pipelines.ResourceUse;
import dev.tend.source.DataException;
import dev.tend.source.DataSource;
import dev.tend.tracking.KeyValue;
import dev.tend.tracking.Metric;
import dev.tend.tracking.NewRun;
import dev.tend.tracking.RunArtifacts;
import dev.tend.tracking.RunInfo;
import dev.tend.tracking.RunStatus;
import dev.tend.tracking.TrackingRepository;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code command}: runs a program under the file contract of {@link CommandWorkspace}. Inputs are
 * materialized first: a dataset reference ({@code flights@production}) as {@code
 * inputs/<dataset>/data.csv} plus its files, an earlier step's output ({@code
 * ${steps.train.outputs.model}}) as {@code inputs/<step>/}, a file sent with the pipeline as
 * itself. The program runs in a folder holding the pipeline's files, with its output streamed to
 * the step's log, under the step's time limit and the run's cancellation. After it exits with 0,
 * the declared outputs are checked and recorded as a child run of the pipeline's tracked run: each
 * under its name in the run's artifacts (a model folder gets an {@code MLmodel} file when it has
 * none and holds an XGBoost {@code model.json} or {@code model.ubj}), the {@code metrics} output as
 * metrics. Outputs: each declared name as {@code runs:/<run>/<name>}, and {@code metrics} as an
 * object when declared.
 */
final class CommandStep implements StepAction {
  private final DatasetResolver datasets;
  private final Engine engine;
  private final TrackingRepository tracking;
  private final RunArtifacts artifacts;
  private final CommandRunner runner = new CommandRunner();

  CommandStep(
      DatasetResolver datasets,
      Engine engine,
      TrackingRepository tracking,
      RunArtifacts artifacts) {
    this.datasets = datasets;
    this.engine = engine;
    this.tracking = tracking;
    this.artifacts = artifacts;
  }

  @Override
  public Outcome execute(StepContext context) throws StepFailure {
    Step.Command command = (Step.Command) context.step().body();
    Path work = context.workDir();
    try {
      Path files = work.resolve("files");
      Files.createDirectories(files);
      for (var file : context.run().files().entrySet()) {
        Path target = files.resolve(file.getKey()).normalize();
        Files.createDirectories(target.getParent());
        Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
      }
      List<CommandInput> inputs = inputs(context, command, work, files);
      Map<String, String> declared = new LinkedHashMap<>();
      for (var output : command.outputs().entrySet()) {
        declared.put(output.getKey(), context.bindings().text(output.getValue()));
      }
      CommandWorkspace workspace =
          CommandWorkspace.prepare(
              work,
              new CommandParams(
                  context.pipeline().name(),
                  context.run().id(),
                  context.step().id(),
                  context.attempt(),
                  command.seed(),
                  context.bindings().params()),
              inputs,
              declared);
      Map<String, String> stepEnv = new LinkedHashMap<>();
      for (var env : command.env().entrySet()) {
        stepEnv.put(env.getKey(), context.bindings().text(env.getValue()));
      }
      List<String> argv = new ArrayList<>();
      for (String arg : command.argv()) {
        argv.add(context.bindings().text(arg));
      }
      context.log().info("running " + String.join(" ", argv));
      CommandOutcome outcome =
          runner.run(
              new CommandSpec(
                  argv,
                  files,
                  workspace.environment(System.getenv(), stepEnv),
                  context.step().timeout().plus(Duration.ofMinutes(1))),
              (stream, line) -> context.log().add(stream.label(), line),
              () -> context.control().stopReason().isPresent());
      context.log().flush();
      ResourceUse usage =
          new ResourceUse(
              outcome.wall().toMillis(), outcome.cpu().toMillis(), outcome.peakMemoryBytes());
      Optional<String> stopped = context.control().stopReason();
      if (stopped.isPresent()) {
        throw StepFailure.of(stopped.get()).withUsage(usage);
      }
      if (!outcome.succeeded()) {
        // A program that exits non-zero may be flaky: the pipeline's retries apply.
        throw StepFailure.of(outcome.failureReason().orElse("the command failed"))
            .retryable(outcome.termination() == CommandOutcome.Termination.EXITED)
            .withUsage(usage);
      }
      CommandOutputs outputs = workspace.verifyOutputs();
      String runId = record(context, outputs);
      ObjectNode result = RunExecution.object();
      for (String name : outputs.paths().keySet()) {
        if (!name.equals(CommandWorkspace.METRICS_OUTPUT)) {
          result.put(name, "runs:/" + runId + "/" + name);
        }
      }
      if (outputs.paths().containsKey(CommandWorkspace.METRICS_OUTPUT)) {
        ObjectNode metrics = result.putObject(CommandWorkspace.METRICS_OUTPUT);
        outputs.metrics().forEach(metrics::put);
      }
      result.put("run_id", runId);
      return new Outcome(result, Optional.of(runId), Optional.of(usage));
    } catch (CommandContractException e) {
      throw StepFailure.of(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw StepFailure.of(e.getMessage(), e);
    } catch (IOException e) {
      throw StepFailure.retryable("cannot prepare the command: " + e.getMessage(), e);
    }
  }

  private List<CommandInput> inputs(
      StepContext context, Step.Command command, Path work, Path files)
      throws StepFailure, IOException {
    List<CommandInput> inputs = new ArrayList<>();
    Path inputsDir = work.resolve(CommandWorkspace.INPUTS_DIR);
    for (String written : command.inputs()) {
      Optional<String[]> reference = Bindings.stepReference(written);
      if (reference.isPresent()) {
        String name = reference.get()[0];
        String source = context.bindings().text(written);
        Path dir = RunModels.download(artifacts, source, inputsDir.resolve(name));
        inputs.add(CommandInput.of(name, CommandInput.Kind.MODEL, dir, Optional.of(source)));
        continue;
      }
      String text = context.bindings().text(written);
      Optional<DatasetRef> dataset = DatasetRef.parse(text);
      if (dataset.isPresent()) {
        inputs.add(dataset(context, dataset.get(), inputsDir.resolve(dataset.get().name())));
        continue;
      }
      if (context.run().files().containsKey(text)) {
        Path file = files.resolve(text);
        String name = file.getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_");
        inputs.add(CommandInput.of(name, CommandInput.Kind.FILE, file, Optional.of(text)));
        continue;
      }
      throw StepFailure.of(
          "input '"
              + text
              + "' is neither a dataset (name@alias), an earlier step's output nor a file sent"
              + " with the pipeline");
    }
    return inputs;
  }

  private CommandInput dataset(StepContext context, DatasetRef ref, Path dir)
      throws StepFailure, IOException {
    DatasetVersion version = datasets.resolve(context.project(), ref);
    String label = DatasetResolver.label(ref, version);
    DataSource.Files source = datasets.materialize(version, dir.resolve("files"));
    long rows;
    try (dev.tend.engine.Dataset data = engine.open(source)) {
      context.control().check();
      rows = data.export(dir.resolve("data.csv"));
    } catch (DataException e) {
      throw StepFailure.of("cannot read " + label + ": " + e.getMessage(), e);
    }
    context.log().info("input " + ref.name() + ": " + label + " as data.csv (" + rows + " rows)");
    return new CommandInput(
        ref.name(),
        CommandInput.Kind.DATASET,
        dir,
        Optional.of(label),
        Map.of("rows", rows, "csv", dir.resolve("data.csv").toString()));
  }

  /* A child run of the pipeline's run holding the outputs and metrics. */
  private String record(StepContext context, CommandOutputs outputs) throws IOException {
    RunInfo run =
        tracking.createRun(
            new NewRun(
                context.experimentId(),
                Optional.of(context.pipeline().name() + "-" + context.step().id()),
                Optional.of(context.actor()),
                Optional.empty(),
                List.of(
                    new KeyValue("mlflow.parentRunId", context.trackingRunId()),
                    new KeyValue("mlflow.source.type", "JOB"),
                    new KeyValue("mlflow.source.name", "pipeline " + context.pipeline().name()),
                    new KeyValue(RunRecorder.PIPELINE_TAG, context.pipeline().name()),
                    new KeyValue(RunRecorder.PIPELINE_RUN_TAG, context.run().id()),
                    new KeyValue("tend.pipeline.step", context.step().id()))));
    try {
      long now = Instant.now().toEpochMilli();
      List<Metric> metrics = new ArrayList<>();
      outputs.metrics().forEach((k, v) -> metrics.add(new Metric(k, v, now, 0)));
      tracking.logBatch(run.runId(), metrics, List.of(), List.of());
      for (var output : outputs.paths().entrySet()) {
        upload(run.runId(), output.getKey(), output.getValue());
      }
      tracking.updateRun(
          run.runId(), Optional.of(RunStatus.FINISHED), Optional.of(now), Optional.empty());
      return run.runId();
    } catch (IOException | RuntimeException e) {
      tracking.updateRun(
          run.runId(),
          Optional.of(RunStatus.FAILED),
          Optional.of(Instant.now().toEpochMilli()),
          Optional.empty());
      throw e;
    }
  }

  private void upload(String runId, String name, Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      try (InputStream in = Files.newInputStream(path)) {
        artifacts.put(runId, name + "/" + path.getFileName(), in);
      }
      return;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(path)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
    for (Path file : files) {
      String relative = path.relativize(file).toString().replace('\\', '/');
      try (InputStream in = Files.newInputStream(file)) {
        artifacts.put(runId, name + "/" + relative, in);
      }
    }
    if (name.equals(CommandWorkspace.MODEL_OUTPUT) && !Files.exists(path.resolve("MLmodel"))) {
      Optional<String> format =
          Files.exists(path.resolve("model.ubj"))
              ? Optional.of("ubj")
              : Files.exists(path.resolve("model.json")) ? Optional.of("json") : Optional.empty();
      if (format.isPresent()) {
        String mlModel =
            String.join(
                "\n",
                "artifact_path: " + name,
                "flavors:",
                "  xgboost:",
                "    data: model." + format.get(),
                "    model_format: " + format.get(),
                "run_id: " + runId,
                "");
        artifacts.put(
            runId,
            name + "/MLmodel",
            new ByteArrayInputStream(mlModel.getBytes(StandardCharsets.UTF_8)));
      }
    }
  }
}
