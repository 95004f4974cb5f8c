package dev.tend.server.pipelines;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.pipeline.Step;
import dev.tend.registry.ModelSearch;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.ModelVersionStatus;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.training.TrainingService;
import dev.tend.tracking.KeyValue;
import dev.tend.tracking.RunArtifacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code register}: registers the model an earlier step recorded ({@code runs:/<run>/model}) as the
 * next version of a named model, tagged with the pipeline, its run and step and the code version;
 * the version takes its signature, metrics and training dataset version from the run. A model
 * without files is refused before anything is registered. Idempotent across attempts: a version an
 * earlier attempt of the same step registered (found by its {@code tend.pipeline.step} tag) is
 * reused. Outputs {@code version} ({@code <model>/<number>}), {@code model} and {@code number}.
 */
final class RegisterStep implements StepAction {
  static final String STEP_TAG = "tend.pipeline.step";

  private static final Pattern RUN_SOURCE = Pattern.compile("runs:/([^/]+)/(.+)");

  private final TrainingService training;
  private final RegistryRepository registry;
  private final RunArtifacts artifacts;

  RegisterStep(TrainingService training, RegistryRepository registry, RunArtifacts artifacts) {
    this.training = training;
    this.registry = registry;
    this.artifacts = artifacts;
  }

  @Override
  public Outcome execute(StepContext context) throws StepFailure {
    Step.Register register = (Step.Register) context.step().body();
    String from = context.bindings().text(register.from());
    Matcher m = RUN_SOURCE.matcher(from);
    if (!m.matches() || !m.group(2).equals(TrainingService.MODEL_PATH)) {
      throw StepFailure.of(
          "'" + from + "' is not a model recorded by an earlier step (runs:/<run>/model)");
    }
    String runId = m.group(1);
    if (artifacts.list(runId, Optional.of(TrainingService.MODEL_PATH)).isEmpty()) {
      throw StepFailure.of("run " + runId + " recorded no files under model/; nothing to register");
    }
    Optional<ModelVersion> earlier = earlierAttempt(context, register.model(), runId);
    ModelVersion version;
    if (earlier.isPresent()) {
      version = earlier.get();
      context
          .log()
          .info("version " + version.version() + " was registered by an earlier attempt; kept");
    } else {
      List<KeyValue> tags = new ArrayList<>();
      tags.add(new KeyValue(RunRecorder.PIPELINE_TAG, context.pipeline().name()));
      tags.add(new KeyValue(RunRecorder.PIPELINE_RUN_TAG, context.run().id()));
      tags.add(new KeyValue(STEP_TAG, context.stepKey()));
      context
          .run()
          .codeVersion()
          .ifPresent(c -> tags.add(new KeyValue("mlflow.source.git.commit", c)));
      try {
        version =
            training.register(
                context.project(),
                register.model(),
                runId,
                "registered by pipeline "
                    + context.pipeline().name()
                    + " run "
                    + context.run().id(),
                tags,
                context.actor());
      } catch (IllegalArgumentException e) {
        throw StepFailure.of(e.getMessage(), e);
      }
      if (version.status() != ModelVersionStatus.READY) {
        registry.deleteVersion(version.modelId(), version.version(), context.actor());
        throw StepFailure.of(
            "the model of run "
                + runId
                + " could not be registered: "
                + version.statusMessage().orElse(version.status().name()));
      }
      context.log().info("registered " + register.model() + " version " + version.version());
    }
    ObjectNode outputs = RunExecution.object();
    outputs.put("version", register.model() + "/" + version.version());
    outputs.put("model", register.model());
    outputs.put("number", version.version());
    outputs.put("source", version.source());
    return Outcome.of(outputs);
  }

  private Optional<ModelVersion> earlierAttempt(StepContext context, String model, String runId) {
    Optional<RegisteredModel> registered = registry.model(context.project().id(), model);
    if (registered.isEmpty()) {
      return Optional.empty();
    }
    return registry
        .searchVersions(
            new ModelSearch(
                "run_id = '" + runId + "'", 100, List.of(), Optional.empty(), Optional.empty()))
        .items()
        .stream()
        .filter(v -> v.modelId().equals(registered.get().id()))
        .filter(v -> context.stepKey().equals(v.tags().get(STEP_TAG)))
        .findFirst();
  }
}
