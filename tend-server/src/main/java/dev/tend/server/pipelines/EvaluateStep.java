package dev.tend.server.pipelines;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.engine.Engine;
import dev.tend.expr.Expr;
import dev.tend.pipeline.ModelRef;
import dev.tend.pipeline.Step;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegisteredModel;
import dev.tend.registry.RegistryRepository;
import dev.tend.source.DataException;
import dev.tend.source.DataSource;
import dev.tend.tracking.RunArtifacts;
import dev.tend.train.Evaluation;
import dev.tend.train.Evaluator;
import dev.tend.train.Label;
import dev.tend.train.TrainException;
import dev.tend.train.model.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code evaluate}: scores the candidate model of an earlier step, and the champion (the registered
 * version an alias such as {@code flight-delays@production} points at) when the step names one, on
 * the same rows of a dataset version (or the union of a window of versions, {@code versions: N}),
 * with the label rule the candidate was trained on. Outputs {@code metrics} ({@code candidate} and
 * {@code champion} metric maps under the pipeline's metric names, {@code champion_version}, {@code
 * rows}) and {@code report} (per-segment metrics when a segment column is given). Without a
 * champion yet, {@code champion} is absent and gates treat champion conditions as holding. A metric
 * the step asks for that is undefined on the rows (ROC AUC with one class) fails the step.
 */
final class EvaluateStep implements StepAction {
  /** Evaluation keys under the names pipelines use, where they differ. */
  static final Map<String, String> PIPELINE_NAMES =
      Map.of(
          "roc_auc", "auc",
          "f1_macro", "macro_f1",
          "f1_weighted", "weighted_f1");

  private static final Pattern GREATER_THAN =
      Pattern.compile("\\s*(.+?)\\s*>\\s*(-?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\\s*");

  private final DatasetResolver datasets;
  private final Engine engine;
  private final RegistryRepository registry;
  private final RunArtifacts artifacts;

  EvaluateStep(
      DatasetResolver datasets,
      Engine engine,
      RegistryRepository registry,
      RunArtifacts artifacts) {
    this.datasets = datasets;
    this.engine = engine;
    this.registry = registry;
    this.artifacts = artifacts;
  }

  @Override
  public Outcome execute(StepContext context) throws StepFailure {
    Step.Evaluate evaluate = (Step.Evaluate) context.step().body();
    String candidateSource = context.bindings().text(evaluate.model());
    DatasetWindow window = datasets.window(context.project(), evaluate.dataset());
    String label = window.label();
    datasets.recordRead(context, window, "evaluation");
    Optional<Expr> where = TrainStep.where(evaluate.where(), context.bindings());
    Path work = context.workDir();
    try {
      Optional<String> championVersion = Optional.empty();
      Optional<String> championSource = Optional.empty();
      if (evaluate.champion().isPresent()) {
        Optional<ModelVersion> champion = champion(context, evaluate.champion().get());
        if (champion.isPresent()) {
          championVersion =
              Optional.of(champion.get().modelName() + "/" + champion.get().version());
          championSource = Optional.of(champion.get().source());
        } else {
          context
              .log()
              .info(
                  "no champion: "
                      + evaluate.champion().get().name()
                      + "@"
                      + evaluate.champion().get().alias()
                      + " does not exist yet");
        }
      }
      DataSource.Files source = datasets.materialize(window, work.resolve("data"));
      try (Model candidate =
              load(RunModels.download(artifacts, candidateSource, work.resolve("candidate")));
          dev.tend.engine.Dataset data = engine.open(source)) {
        Label rule = label(candidate);
        context.control().check();
        Evaluation candidateScores =
            Evaluator.evaluate(candidate, data, rule, where, evaluate.segment());
        context
            .log()
            .info(
                "candidate on "
                    + label
                    + ": "
                    + candidateScores.rows()
                    + " rows, "
                    + names(candidateScores.metrics()));
        ObjectNode outputs = RunExecution.object();
        ObjectNode metrics = outputs.putObject("metrics");
        metrics.put("rows", candidateScores.rows());
        metrics.put("skipped_rows", candidateScores.skippedRows());
        window.describe(metrics);
        put(metrics.putObject("candidate"), candidateScores.metrics());
        requireDefined(evaluate.metrics(), names(candidateScores.metrics()), "candidate");
        if (championSource.isPresent()) {
          context.control().check();
          try (Model champion =
              load(RunModels.download(artifacts, championSource.get(), work.resolve("champion")))) {
            Evaluation championScores =
                Evaluator.evaluate(champion, data, rule, where, evaluate.segment());
            context
                .log()
                .info(
                    "champion "
                        + championVersion.get()
                        + " on the same rows: "
                        + names(championScores.metrics()));
            put(metrics.putObject("champion"), championScores.metrics());
            metrics.put("champion_version", championVersion.get());
            requireDefined(evaluate.metrics(), names(championScores.metrics()), "champion");
          }
        }
        ObjectNode report = outputs.putObject("report");
        candidateScores
            .segmentColumn()
            .ifPresent(
                column -> {
                  report.put("segment_column", column);
                  ObjectNode segments = report.putObject("segments");
                  candidateScores
                      .segments()
                      .forEach(
                          (value, segment) -> {
                            ObjectNode s = segments.putObject(value);
                            s.put("rows", segment.rows());
                            put(s.putObject("metrics"), segment.metrics());
                          });
                });
        return Outcome.of(outputs);
      }
    } catch (TrainException e) {
      throw StepFailure.of(e.getMessage(), e);
    } catch (DataException e) {
      throw StepFailure.of("cannot read " + label + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw StepFailure.retryable("cannot prepare the evaluation: " + e.getMessage(), e);
    }
  }

  private Optional<ModelVersion> champion(StepContext context, ModelRef reference) {
    Optional<RegisteredModel> model = registry.model(context.project().id(), reference.name());
    return model.flatMap(md -> registry.versionByAlias(md.id(), reference.alias()));
  }

  private static Model load(Path dir) throws StepFailure {
    try {
      return Model.load(dir);
    } catch (RuntimeException e) {
      throw StepFailure.of(
          "the model cannot be loaded for evaluation (evaluate scores models built by a train"
              + " step): "
              + e.getMessage(),
          e);
    }
  }

  /* The rule the model was trained with, from its manifest: "delay > 15.0" or "species". */
  static Label label(Model model) {
    String text = model.manifest().label();
    Matcher m = GREATER_THAN.matcher(text);
    if (m.matches()) {
      return Label.greaterThan(m.group(1), Double.parseDouble(m.group(2)));
    }
    return Label.column(text);
  }

  private static void requireDefined(List<String> asked, SortedMap<String, Double> got, String role)
      throws StepFailure {
    for (String metric : asked) {
      if (!got.containsKey(metric)) {
        throw StepFailure.of(
            "'"
                + metric
                + "' is undefined for the "
                + role
                + " on these rows (or not a metric of its task); defined: "
                + String.join(", ", got.keySet()));
      }
    }
  }

  /** Metrics under the pipeline's names. */
  static SortedMap<String, Double> names(SortedMap<String, Double> metrics) {
    SortedMap<String, Double> renamed = new TreeMap<>();
    metrics.forEach((k, v) -> renamed.put(PIPELINE_NAMES.getOrDefault(k, k), v));
    return renamed;
  }

  private static void put(ObjectNode node, SortedMap<String, Double> metrics) {
    names(metrics).forEach(node::put);
  }
}
