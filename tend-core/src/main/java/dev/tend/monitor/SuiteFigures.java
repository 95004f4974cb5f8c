package dev.tend.monitor;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.Check;
import dev.tend.checks.CheckEvaluator;
import dev.tend.checks.CheckResult;
import dev.tend.checks.EvaluationContext;
import dev.tend.checks.Suite;
import dev.tend.profile.DatasetProfile;
import dev.tend.schema.Column;
import dev.tend.schema.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A dataset's check suite applied to a window's live inputs: each check the input profile can
 * answer ({@link ProfileMetrics}) is judged as on the dataset; the others are skipped with why
 * (they need rows, history or a reference, or name a column the model does not take). Stateless and
 * thread-safe.
 */
public final class SuiteFigures {
  private SuiteFigures() {}

  /** The verdict of one check on the live inputs. */
  public enum Status {
    PASSED,
    FAILED,
    SKIPPED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One check's result on a window.
   *
   * @param name the check's name in the suite
   * @param description the suite's description of it
   * @param status passed, failed or skipped
   * @param observed what the inputs showed ("-" when skipped)
   * @param expected what the check asks for ("-" when skipped)
   * @param reason why it was skipped
   */
  public record LiveCheck(
      String name,
      Optional<String> description,
      Status status,
      String observed,
      String expected,
      Optional<String> reason) {
    public LiveCheck {
      requireNonNull(name, "name is null");
      requireNonNull(description, "description is null");
      requireNonNull(status, "status is null");
      requireNonNull(observed, "observed is null");
      requireNonNull(expected, "expected is null");
      requireNonNull(reason, "reason is null");
    }
  }

  /**
   * The suite's results on a window.
   *
   * @param suite the suite's name
   * @param checks one result per check of the suite, in its order
   */
  public record Report(String suite, List<LiveCheck> checks) {
    public Report {
      requireNonNull(suite, "suite is null");
      checks = List.copyOf(requireNonNull(checks, "checks is null"));
    }

    public long passed() {
      return count(Status.PASSED);
    }

    public long failed() {
      return count(Status.FAILED);
    }

    /** Checks judged (passed or failed). */
    public long judged() {
      return passed() + failed();
    }

    private long count(Status status) {
      return checks.stream().filter(c -> c.status() == status).count();
    }
  }

  /**
   * Judges {@code suite} on a window's input profile.
   *
   * @param now the instant freshness checks measure age against
   */
  public static Report evaluate(Suite suite, DatasetProfile inputs, Instant now) {
    requireNonNull(suite, "suite is null");
    requireNonNull(inputs, "inputs is null");
    requireNonNull(now, "now is null");
    Schema schema =
        new Schema(inputs.columns().stream().map(c -> new Column(c.column(), c.type())).toList());
    CheckEvaluator evaluator = CheckEvaluator.forSchema(schema);
    EvaluationContext context = EvaluationContext.withoutHistory(schema, now);
    List<LiveCheck> results = new ArrayList<>();
    for (Check check : suite.checks()) {
      results.add(judge(check, evaluator, inputs, context));
    }
    return new Report(suite.name(), results);
  }

  private static LiveCheck judge(
      Check check, CheckEvaluator evaluator, DatasetProfile inputs, EvaluationContext context) {
    Optional<String> skip =
        switch (check) {
          case Check.SchemaCheck s ->
              Optional.of(
                  "live inputs hold only the model's inputs; the model's signature checks them"
                      + " (schema_violation_share)");
          case Check.DistributionCheck d ->
              Optional.of("distributions are compared by the drift figures");
          case Check.AnomalyCheck a -> Optional.of("needs the metric's history");
          default -> Optional.empty();
        };
    if (skip.isEmpty()) {
      List<String> absent = evaluator.missingColumns(check);
      if (!absent.isEmpty()) {
        skip =
            Optional.of(
                (absent.size() == 1 ? "column " : "columns ")
                    + absent.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "))
                    + " not an input of the model");
      }
    }
    if (skip.isEmpty()) {
      ProfileMetrics.Answers answers =
          ProfileMetrics.answer(inputs, new LinkedHashSet<>(evaluator.metrics(check)));
      if (!answers.unanswerable().isEmpty()) {
        Set<String> reasons = new LinkedHashSet<>(answers.unanswerable().values());
        skip = Optional.of(String.join("; ", reasons));
      } else {
        CheckResult result = evaluator.evaluate(check, answers.values(), context);
        if (result.outcome() == CheckResult.Outcome.ERROR) {
          skip = Optional.of(result.message().orElse("could not be evaluated"));
        } else {
          return new LiveCheck(
              check.name(),
              check.header().description(),
              result.passed() ? Status.PASSED : Status.FAILED,
              result.observed(),
              result.expected(),
              Optional.empty());
        }
      }
    }
    return new LiveCheck(
        check.name(), check.header().description(), Status.SKIPPED, "-", "-", skip);
  }

  /**
   * {@link MonitorMetric#CHECKS_FAILED}, the count of failing suite checks, counted over the
   * window's rows.
   */
  public static List<MetricPoint> points(FigureScope scope, Report report, long rows) {
    requireNonNull(scope, "scope is null");
    requireNonNull(report, "report is null");
    return List.of(scope.point(MonitorMetric.CHECKS_FAILED, "", report.failed(), rows));
  }

  /**
   * The quality score with the suite's judged checks folded in: (built-in passed + suite passed) /
   * (built-in checks + suite judged); skipped checks do not count.
   */
  public static OptionalDouble qualityScore(QualityFigures.Report builtIn, Report suite) {
    long checks = builtIn.checks() + suite.judged();
    long passed = builtIn.passed() + suite.passed();
    return checks == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) passed / checks);
  }
}
