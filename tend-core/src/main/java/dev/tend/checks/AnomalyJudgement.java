package dev.tend.checks;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * The verdict of an {@link AnomalyRule} on a metric's current value and its history (newest first).
 * Without enough history the value is taken as normal, and the note says so.
 */
public record AnomalyJudgement(
    boolean normal, String observedDetail, String expected, Optional<String> note) {
  public AnomalyJudgement {
    requireNonNull(observedDetail, "observedDetail is null");
    requireNonNull(expected, "expected is null");
    requireNonNull(note, "note is null");
  }

  public static AnomalyJudgement judge(AnomalyRule rule, double current, List<Double> history) {
    return switch (rule) {
      case AnomalyRule.Change change -> judgeChange(change, current, history);
      case AnomalyRule.Deviation deviation -> judgeDeviation(deviation, current, history);
    };
  }

  private static AnomalyJudgement judgeChange(
      AnomalyRule.Change rule, double current, List<Double> history) {
    String expected = describe(rule);
    if (history.isEmpty()) {
      return new AnomalyJudgement(
          true, "", expected, Optional.of("no earlier run to compare with; recorded as baseline"));
    }
    double last = history.get(0);
    double delta = current - last;
    boolean counts =
        switch (rule.direction()) {
          case INCREASE -> delta > 0;
          case DECREASE -> delta < 0;
          case ANY -> delta != 0;
        };
    double relative =
        last == 0 ? (delta == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.abs(delta / last);
    boolean tooFar =
        counts
            && (rule.maxRelative().isPresent() && relative > rule.maxRelative().getAsDouble()
                || rule.maxAbsolute().isPresent()
                    && Math.abs(delta) > rule.maxAbsolute().getAsDouble());
    String sign = delta >= 0 ? "+" : "-";
    String detail =
        " (last run "
            + Formats.number(last)
            + ": "
            + sign
            + Formats.number(Math.abs(delta))
            + (Double.isFinite(relative) ? ", " + sign + Formats.percent(relative) : "")
            + ")";
    return new AnomalyJudgement(!tooFar, detail, expected, Optional.empty());
  }

  private static String describe(AnomalyRule.Change rule) {
    String what =
        switch (rule.direction()) {
          case INCREASE -> "increase";
          case DECREASE -> "decrease";
          case ANY -> "change";
        };
    StringBuilder text = new StringBuilder(what).append(" from last run at most ");
    if (rule.maxRelative().isPresent()) {
      text.append(Formats.percent(rule.maxRelative().getAsDouble()));
    }
    if (rule.maxAbsolute().isPresent()) {
      if (rule.maxRelative().isPresent()) {
        text.append(" and ");
      }
      text.append(Formats.number(rule.maxAbsolute().getAsDouble()));
    }
    return text.toString();
  }

  private static AnomalyJudgement judgeDeviation(
      AnomalyRule.Deviation rule, double current, List<Double> history) {
    List<Double> window = history.subList(0, Math.min(rule.lookback(), history.size()));
    String expected =
        "within mean ± "
            + Formats.number(rule.k())
            + " stddev of the last "
            + rule.lookback()
            + " runs";
    if (window.size() < rule.minHistory()) {
      return new AnomalyJudgement(
          true,
          "",
          expected,
          Optional.of(
              "only "
                  + window.size()
                  + " earlier runs; needs "
                  + rule.minHistory()
                  + " before judging"));
    }
    double mean = 0;
    double m2 = 0;
    int n = 0;
    for (double value : window) {
      n++;
      double delta = value - mean;
      mean += delta / n;
      m2 += delta * (value - mean);
    }
    double stddev = Math.sqrt(m2 / (n - 1));
    double low = mean - rule.k() * stddev;
    double high = mean + rule.k() * stddev;
    boolean normal = current >= low && current <= high;
    String detail =
        " (history mean "
            + Formats.number(mean)
            + ", stddev "
            + Formats.number(stddev)
            + ", allowed "
            + Formats.number(low)
            + " to "
            + Formats.number(high)
            + ")";
    return new AnomalyJudgement(normal, detail, expected, Optional.empty());
  }
}
