package dev.tend.suite;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.Check;
import dev.tend.profile.ColumnProfile;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Settings of one suite run.
 *
 * @param sampleSize failing rows to show per failing check (0 for none)
 * @param now the instant freshness is measured against
 * @param history past values of a metric key, newest first
 * @param referenceProfile the profile of a distribution check's column in its reference dataset
 */
public record RunOptions(
    int sampleSize,
    Instant now,
    Function<String, List<Double>> history,
    BiFunction<Check.DistributionCheck, String, Optional<ColumnProfile>> referenceProfile) {
  public RunOptions {
    requireNonNull(now, "now is null");
    requireNonNull(history, "history is null");
    requireNonNull(referenceProfile, "referenceProfile is null");
    if (sampleSize < 0) {
      throw new IllegalArgumentException("sampleSize is negative");
    }
  }

  public static RunOptions defaults() {
    return new RunOptions(5, Instant.now(), key -> List.of(), (check, column) -> Optional.empty());
  }

  public RunOptions withSampleSize(int size) {
    return new RunOptions(size, now, history, referenceProfile);
  }

  public RunOptions withNow(Instant instant) {
    return new RunOptions(sampleSize, instant, history, referenceProfile);
  }

  public RunOptions withHistory(Function<String, List<Double>> source) {
    return new RunOptions(sampleSize, now, source, referenceProfile);
  }

  public RunOptions withReferenceProfile(
      BiFunction<Check.DistributionCheck, String, Optional<ColumnProfile>> source) {
    return new RunOptions(sampleSize, now, history, source);
  }
}
