package dev.tend.checks;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Quality scores in percent per dimension and overall. A dimension's score is the mean of its
 * checks' scores (a row-level check scores the share of rows that pass, a dataset-level check 100
 * or 0); the overall score is the mean of the dimension scores present.
 */
public record QualityScores(Map<Dimension, Double> byDimension, OptionalDouble overall) {
  public QualityScores {
    byDimension = Map.copyOf(requireNonNull(byDimension, "byDimension is null"));
    requireNonNull(overall, "overall is null");
  }

  public static QualityScores of(List<CheckResult> results) {
    Map<Dimension, double[]> sums = new EnumMap<>(Dimension.class);
    for (CheckResult result : results) {
      double[] sum = sums.computeIfAbsent(result.check().dimension(), d -> new double[2]);
      sum[0] += result.score();
      sum[1] += 1;
    }
    Map<Dimension, Double> scores = new EnumMap<>(Dimension.class);
    sums.forEach((dimension, sum) -> scores.put(dimension, 100 * sum[0] / sum[1]));
    OptionalDouble overall = scores.values().stream().mapToDouble(Double::doubleValue).average();
    return new QualityScores(scores, overall);
  }

  public OptionalDouble score(Optional<Dimension> dimension) {
    if (dimension.isEmpty()) {
      return overall;
    }
    Double score = byDimension.get(dimension.get());
    return score == null ? OptionalDouble.empty() : OptionalDouble.of(score);
  }

  /** Judges each threshold; a threshold on a dimension without checks fails. */
  public List<ThresholdResult> judge(List<Threshold> thresholds) {
    List<ThresholdResult> judged = new ArrayList<>();
    for (Threshold threshold : thresholds) {
      OptionalDouble score = score(threshold.dimension());
      judged.add(
          new ThresholdResult(
              threshold,
              score,
              score.isPresent() && score.getAsDouble() >= threshold.minPercent()));
    }
    return judged;
  }

  /** One threshold's verdict. */
  public record ThresholdResult(Threshold threshold, OptionalDouble score, boolean passed) {
    public ThresholdResult {
      requireNonNull(threshold, "threshold is null");
      requireNonNull(score, "score is null");
    }
  }
}
