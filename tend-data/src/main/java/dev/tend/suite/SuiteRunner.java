package dev.tend.suite;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.Check;
import dev.tend.checks.CheckEvaluator;
import dev.tend.checks.CheckResult;
import dev.tend.checks.EvaluationContext;
import dev.tend.checks.QualityScores;
import dev.tend.checks.Suite;
import dev.tend.checks.SuiteReport;
import dev.tend.engine.Dataset;
import dev.tend.expr.Expr;
import dev.tend.metric.Metric;
import dev.tend.metric.MetricValues;
import dev.tend.profile.ColumnProfile;
import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileOptions;
import dev.tend.profiling.Profiler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Runs a suite on an opened dataset: validates the suite against the data's schema, computes every
 * check's metrics in one engine pass, judges them, fetches samples of failing rows and scores the
 * quality dimensions. The same runner serves the CLI, dataset pushes and live inputs.
 */
public final class SuiteRunner {
  private SuiteRunner() {}

  /** A finished run: the report and the metrics to keep in history. */
  public record Run(SuiteReport report, Map<String, Double> metrics) {
    public Run {
      requireNonNull(report, "report is null");
      metrics = Map.copyOf(requireNonNull(metrics, "metrics is null"));
    }
  }

  /**
   * Runs {@code suite} on {@code dataset}.
   *
   * @throws SuiteException when the suite does not fit the data (unknown columns, wrong types)
   */
  public static Run run(Suite suite, Dataset dataset, String datasetLabel, RunOptions options) {
    Instant started = Instant.now();
    long startNanos = System.nanoTime();
    Map<Check, String> unusable = SuiteValidator.validate(suite, dataset.schema());
    CheckEvaluator evaluator = CheckEvaluator.forSchema(dataset.schema());

    Set<Metric> metrics = new LinkedHashSet<>();
    Metric.RowCount allRows = new Metric.RowCount(Optional.empty());
    metrics.add(allRows);
    for (Check check : suite.checks()) {
      if (!unusable.containsKey(check)) {
        metrics.addAll(evaluator.metrics(check));
      }
    }
    MetricValues values = dataset.compute(metrics);

    Map<Check.DistributionCheck, ColumnProfile> profiles =
        distributionProfiles(suite, dataset, evaluator, unusable, datasetLabel);
    EvaluationContext context =
        new EvaluationContext(dataset.schema(), options.now(), options.history());
    List<CheckResult> results = new ArrayList<>();
    for (Check check : suite.checks()) {
      if (unusable.containsKey(check)) {
        results.add(typeChanged(check, unusable.get(check)));
        continue;
      }
      CheckResult result =
          check instanceof Check.DistributionCheck distribution
                  && evaluator.missingColumns(check).isEmpty()
              ? DistributionJudge.judge(
                  distribution,
                  profiles.get(distribution),
                  options.referenceProfile().apply(distribution, distribution.column()))
              : evaluator.evaluate(check, values, context);
      results.add(withSample(result, evaluator, dataset, options.sampleSize()));
    }
    QualityScores scores = QualityScores.of(results);
    SuiteReport report =
        new SuiteReport(
            suite,
            datasetLabel,
            dataset.schema(),
            values.count(allRows),
            started,
            Duration.ofNanos(System.nanoTime() - startNanos),
            results,
            scores,
            scores.judge(suite.thresholds()));
    return new Run(report, historyMetrics(suite, values, scores, allRows));
  }

  /**
   * Profiles the columns that distribution checks compare with references: one scan for all
   * unfiltered checks, and one per distinct {@code where} filter.
   */
  private static Map<Check.DistributionCheck, ColumnProfile> distributionProfiles(
      Suite suite,
      Dataset dataset,
      CheckEvaluator evaluator,
      Map<Check, String> unusable,
      String label) {
    Map<Optional<Expr>, List<Check.DistributionCheck>> byFilter = new LinkedHashMap<>();
    for (Check check : suite.checks()) {
      if (check instanceof Check.DistributionCheck distribution
          && evaluator.missingColumns(check).isEmpty()
          && !unusable.containsKey(check)) {
        byFilter.computeIfAbsent(check.header().where(), w -> new ArrayList<>()).add(distribution);
      }
    }
    Map<Check.DistributionCheck, ColumnProfile> profiles = new LinkedHashMap<>();
    byFilter.forEach(
        (where, checks) -> {
          List<String> columns =
              checks.stream().map(Check.DistributionCheck::column).distinct().toList();
          DatasetProfile profile =
              Profiler.profile(dataset, columns, where, label, ProfileOptions.DEFAULTS);
          checks.forEach(c -> profiles.put(c, profile.column(c.column()).orElseThrow()));
        });
    return profiles;
  }

  private static CheckResult typeChanged(Check check, String reason) {
    return new CheckResult(
        check,
        CheckResult.Outcome.FAILED,
        "not evaluated: " + reason,
        "the declared column types",
        OptionalLong.empty(),
        OptionalLong.empty(),
        0,
        Optional.of("the data's column type changed, so this check cannot judge it"),
        List.of());
  }

  private static CheckResult withSample(
      CheckResult result, CheckEvaluator evaluator, Dataset dataset, int sampleSize) {
    if (sampleSize == 0
        || result.outcome() != CheckResult.Outcome.FAILED
        || result.failingRows().orElse(0) == 0) {
      return result;
    }
    Check check = result.check();
    Optional<Expr> where = check.header().where();
    if (check instanceof Check.UniquenessCheck unique) {
      return result.withSample(dataset.duplicateRows(unique.keyColumns(), where, sampleSize));
    }
    Optional<Expr> failing = evaluator.failingRows(check);
    return failing.isPresent()
        ? result.withSample(dataset.sampleRows(failing.get(), where, sampleSize))
        : result;
  }

  /**
   * The predicate of rows that fail at least one row-level check (each check's filter applied), for
   * splitting valid from invalid rows; empty when the suite has no row-level checks.
   */
  public static Optional<Expr> invalidRows(Suite suite, Dataset dataset) {
    Map<Check, String> unusable = SuiteValidator.validate(suite, dataset.schema());
    CheckEvaluator evaluator = CheckEvaluator.forSchema(dataset.schema());
    Expr any = null;
    for (Check check : suite.checks()) {
      if (!evaluator.missingColumns(check).isEmpty() || unusable.containsKey(check)) {
        continue;
      }
      Optional<Expr> failing = evaluator.failingRows(check);
      if (failing.isEmpty()) {
        continue;
      }
      Expr rows =
          check.header().where().isPresent()
              ? Expr.and(check.header().where().get(), failing.get())
              : failing.get();
      any = any == null ? rows : Expr.or(any, rows);
    }
    return Optional.ofNullable(any);
  }

  private static Map<String, Double> historyMetrics(
      Suite suite, MetricValues values, QualityScores scores, Metric.RowCount allRows) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("row_count", (double) values.count(allRows));
    for (Check check : suite.checks()) {
      if (check instanceof Check.AnomalyCheck anomaly && values.has(firstMetric(anomaly))) {
        OptionalDouble value =
            CheckEvaluator.observe(anomaly.metric(), anomaly.header().where(), values);
        metrics.put(anomaly.historyKey(), value.isPresent() ? value.getAsDouble() : null);
      }
    }
    scores
        .byDimension()
        .forEach((dimension, score) -> metrics.put("score." + dimension.label(), score));
    scores.overall().ifPresent(score -> metrics.put("score.overall", score));
    return metrics;
  }

  private static Metric firstMetric(Check.AnomalyCheck anomaly) {
    return CheckEvaluator.metricsFor(anomaly.metric(), anomaly.header().where()).get(0);
  }
}
