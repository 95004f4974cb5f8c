package dev.tend.server.pipelines;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.checks.CheckResult;
import dev.tend.checks.SuiteReport;
import dev.tend.datasets.VersionStatus;
import dev.tend.engine.Engine;
import dev.tend.pipeline.Step;
import dev.tend.source.DataException;
import dev.tend.source.DataSource;
import dev.tend.suite.RunOptions;
import dev.tend.suite.SuiteException;
import dev.tend.suite.SuiteParser;
import dev.tend.suite.SuiteRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code validate}: runs a check suite (a file sent with the pipeline) on a dataset version and
 * fails when an error-level check fails or a quality threshold does not hold; without a suite,
 * requires the version to have been accepted by its dataset's own suite when it was pushed. With
 * {@code versions: N} it judges the union of the window's versions. Outputs {@code report}: the
 * versions read, their rows, whether it passed, and the checks that did not.
 */
final class ValidateStep implements StepAction {
  private final DatasetResolver datasets;
  private final Engine engine;

  ValidateStep(DatasetResolver datasets, Engine engine) {
    this.datasets = datasets;
    this.engine = engine;
  }

  @Override
  public Outcome execute(StepContext context) throws StepFailure {
    Step.Validate validate = (Step.Validate) context.step().body();
    DatasetWindow window = datasets.window(context.project(), validate.dataset());
    String label = window.label();
    datasets.recordRead(context, window, "validation");
    ObjectNode outputs = RunExecution.object();
    ObjectNode report = outputs.putObject("report");
    window.describe(report);
    report.put("rows", window.rows());
    if (validate.suite().isEmpty()) {
      boolean accepted =
          window.versions().stream().allMatch(v -> v.status() == VersionStatus.ACCEPTED);
      report.put("passed", accepted);
      report.put("suite", "the dataset's own, at push");
      if (!accepted) {
        throw StepFailure.of(label + " was rejected by its dataset's suite when it was pushed");
      }
      context.log().info(label + " was accepted by its dataset's suite when it was pushed");
      return Outcome.of(outputs);
    }
    String path = validate.suite().get();
    String yaml = context.run().files().get(path);
    if (yaml == null) {
      throw StepFailure.of(
          "the suite file '"
              + path
              + "' was not sent with the pipeline (files are sent relative to the pipeline"
              + " file's folder)");
    }
    SuiteReport result;
    try {
      DataSource.Files source = datasets.materialize(window, context.workDir().resolve("data"));
      context.control().check();
      try (dev.tend.engine.Dataset data = engine.open(source)) {
        result =
            SuiteRunner.run(
                    SuiteParser.parse(yaml, path, validate.dataset().name()),
                    data,
                    label,
                    RunOptions.defaults())
                .report();
      }
    } catch (SuiteException e) {
      throw StepFailure.of(path + ": " + e.describe(), e);
    } catch (DataException e) {
      throw StepFailure.of("cannot read " + label + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw StepFailure.retryable("cannot materialize " + label + ": " + e.getMessage(), e);
    }
    List<CheckResult> failing = result.results().stream().filter(r -> !r.passed()).toList();
    report.put("passed", result.passed());
    report.put("suite", path);
    ArrayNode failed = report.putArray("failed_checks");
    for (CheckResult r : failing) {
      failed
          .addObject()
          .put("check", r.check().header().name())
          .put("severity", r.check().header().severity().name().toLowerCase(java.util.Locale.ROOT))
          .put("observed", r.observed())
          .put("expected", r.expected());
      context
          .log()
          .info(
              "check '"
                  + r.check().header().name()
                  + "' "
                  + r.outcome().name().toLowerCase(java.util.Locale.ROOT)
                  + ": observed "
                  + r.observed()
                  + ", expected "
                  + r.expected());
    }
    if (!result.passed()) {
      List<String> problems = new ArrayList<>();
      List<String> errors =
          failing.stream()
              .filter(CheckResult::failsRun)
              .map(r -> r.check().header().name())
              .toList();
      if (!errors.isEmpty()) {
        problems.add(
            errors.size() + " error-level checks failed (" + String.join(", ", errors) + ")");
      }
      for (var threshold : result.thresholds()) {
        if (!threshold.passed()) {
          String dimension =
              threshold
                  .threshold()
                  .dimension()
                  .map(d -> d.name().toLowerCase(Locale.ROOT) + " ")
                  .orElse("overall ");
          String score =
              threshold.score().isPresent()
                  ? String.format(Locale.ROOT, "%.1f%%", threshold.score().getAsDouble())
                  : "(none)";
          problems.add(
              "the "
                  + dimension
                  + "quality score "
                  + score
                  + " is below "
                  + threshold.threshold().minPercent()
                  + "%");
        }
      }
      throw StepFailure.of(path + " failed on " + label + ": " + String.join("; ", problems));
    }
    context.log().info(label + " passed " + path + " (" + result.results().size() + " checks)");
    return Outcome.of(outputs);
  }
}
