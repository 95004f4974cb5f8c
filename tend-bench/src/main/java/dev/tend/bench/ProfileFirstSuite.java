package dev.tend.bench;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.Check;
import dev.tend.checks.Suite;
import dev.tend.engine.Dataset;
import dev.tend.metric.Stat;
import dev.tend.profile.ColumnProfile;
import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileOptions;
import dev.tend.profiling.Profiler;
import dev.tend.suite.RunOptions;
import dev.tend.suite.SuiteRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Profile first, then the suite without its quantile statistics, which are read from the profile's
 * KLL sketches instead of DuckDB's {@code approx_quantile} (a T-digest that costs a large share of
 * the fused check query). Measures what a port would save; the quantile verdicts are computed but
 * not merged into the suite report here.
 */
final class ProfileFirstSuite {
  private ProfileFirstSuite() {}

  /** A quantile statistic answered from a profile. */
  record QuantileVerdict(String check, double value, boolean passed) {
    QuantileVerdict {
      requireNonNull(check, "check is null");
    }
  }

  record Result(DatasetProfile profile, SuiteRunner.Run run, List<QuantileVerdict> quantiles) {
    Result {
      requireNonNull(profile, "profile is null");
      requireNonNull(run, "run is null");
      quantiles = List.copyOf(requireNonNull(quantiles, "quantiles is null"));
    }
  }

  static Result run(Dataset dataset, Suite suite, String label, RunOptions options) {
    DatasetProfile profile = Profiler.profile(dataset, label, ProfileOptions.DEFAULTS);
    Map<String, ColumnProfile> columns =
        profile.columns().stream()
            .collect(Collectors.toMap(ColumnProfile::column, Function.identity()));
    List<Check> rest = new ArrayList<>();
    List<QuantileVerdict> quantiles = new ArrayList<>();
    for (Check check : suite.checks()) {
      if (check instanceof Check.StatisticCheck statistic
          && statistic.stat() == Stat.QUANTILE
          && columns.containsKey(statistic.column())
          && statistic.header().whereText().isEmpty()) {
        ColumnProfile column = columns.get(statistic.column());
        double value = column.quantile(statistic.quantile()).orElse(Double.NaN);
        boolean passed =
            statistic.min().stream().allMatch(min -> value >= min)
                && statistic.max().stream().allMatch(max -> value <= max);
        quantiles.add(new QuantileVerdict(check.name(), value, passed));
      } else {
        rest.add(check);
      }
    }
    Suite withoutQuantiles =
        new Suite(
            suite.formatVersion(),
            suite.name(),
            suite.description(),
            rest,
            suite.thresholds(),
            suite.origin());
    return new Result(
        profile, SuiteRunner.run(withoutQuantiles, dataset, label, options), quantiles);
  }
}
