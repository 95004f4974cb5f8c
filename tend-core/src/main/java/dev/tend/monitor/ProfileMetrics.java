package dev.tend.monitor;

import static java.util.Objects.requireNonNull;

import dev.tend.expr.Expr;
import dev.tend.metric.Metric;
import dev.tend.metric.MetricValues;
import dev.tend.metric.Stat;
import dev.tend.profile.ColumnProfile;
import dev.tend.profile.ColumnSummary;
import dev.tend.profile.DatasetProfile;
import dev.tend.schema.DataType;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Answers the {@link Metric}s a check suite asks for from a window's {@link DatasetProfile} instead
 * of its rows, with the engine's definitions (temporal statistics in epoch microseconds, booleans
 * as 0/1, lengths in characters). Counts, minimum, maximum, mean, standard deviation and sum are
 * exact; quantiles and distinct counts come from the profile's sketches.
 *
 * <p>A metric the profile cannot answer without guessing is reported with the reason instead: any
 * {@code where} filter, a {@link Metric.CountWhere} other than {@code column IS [NOT] NULL} or a
 * validity check's range test the window's exact extremes do not settle, a distinct count over
 * several columns, and the value statistics of a double column holding NaN or infinities (the
 * engine orders NaN above every number). Stateless and thread-safe.
 */
public final class ProfileMetrics {
  /** The reason given for metrics only the rows could answer. */
  public static final String NEEDS_ROWS = "needs rows";

  private ProfileMetrics() {}

  /**
   * What a profile answers.
   *
   * @param values the answered metrics
   * @param unanswerable the metrics the profile cannot answer, each with why
   */
  public record Answers(MetricValues values, Map<Metric, String> unanswerable) {
    public Answers {
      requireNonNull(values, "values is null");
      unanswerable = Map.copyOf(requireNonNull(unanswerable, "unanswerable is null"));
    }
  }

  /** The answers of {@code profile} to {@code metrics}. */
  public static Answers answer(DatasetProfile profile, Collection<Metric> metrics) {
    requireNonNull(profile, "profile is null");
    requireNonNull(metrics, "metrics is null");
    Map<Metric, Double> values = new HashMap<>();
    Map<Metric, String> unanswerable = new LinkedHashMap<>();
    for (Metric metric : metrics) {
      Answer answer = answer(profile, metric);
      if (answer.reason().isPresent()) {
        unanswerable.put(metric, answer.reason().get());
      } else {
        values.put(metric, answer.value().isPresent() ? answer.value().getAsDouble() : null);
      }
    }
    return new Answers(MetricValues.of(values), unanswerable);
  }

  /* A value (possibly none, as the engine's NULL) or why there is no answer. */
  private record Answer(OptionalDouble value, Optional<String> reason) {
    static Answer of(double value) {
      return new Answer(OptionalDouble.of(value), Optional.empty());
    }

    static Answer of(OptionalDouble value) {
      return new Answer(value, Optional.empty());
    }

    static Answer none(String reason) {
      return new Answer(OptionalDouble.empty(), Optional.of(reason));
    }
  }

  private static Answer answer(DatasetProfile profile, Metric metric) {
    if (metric.where().isPresent()) {
      return Answer.none(NEEDS_ROWS + ": a where filter");
    }
    return switch (metric) {
      case Metric.RowCount r -> Answer.of(profile.rowCount());
      case Metric.CountWhere c -> countWhere(profile, c.predicate());
      case Metric.Aggregate a ->
          profile
              .column(a.column())
              .map(c -> aggregate(c, a))
              .orElseGet(() -> Answer.none("no column '" + a.column() + "' in the inputs"));
      case Metric.DistinctCount d -> {
        if (d.columns().size() != 1) {
          yield Answer.none(NEEDS_ROWS + ": a distinct count over several columns");
        }
        Optional<ColumnProfile> column = profile.column(d.columns().getFirst());
        if (column.isEmpty()) {
          yield Answer.none("no column '" + d.columns().getFirst() + "' in the inputs");
        }
        yield column
            .get()
            .distinct()
            .map(x -> Answer.of(Math.round(x.estimate())))
            .orElseGet(() -> Answer.none("no distinct-count sketch for this column"));
      }
    };
  }

  private static Answer aggregate(ColumnProfile column, Metric.Aggregate metric) {
    DataType type = column.type();
    boolean orderable = type.isNumeric() || type.isTemporal();
    Stat stat = metric.stat();
    if (stat == Stat.NULL_COUNT) {
      return Answer.of(column.missing());
    }
    if (stat == Stat.APPROX_DISTINCT) {
      return column
          .distinct()
          .map(x -> Answer.of(Math.round(x.estimate())))
          .orElseGet(() -> Answer.none("no distinct-count sketch for this column"));
    }
    if (stat == Stat.MIN_LENGTH || stat == Stat.MAX_LENGTH || stat == Stat.MEAN_LENGTH) {
      if (type != DataType.STRING) {
        return Answer.none("lengths are profiled for string columns only");
      }
      Optional<ColumnSummary.Lengths> lengths = column.lengths();
      if (lengths.isEmpty() || column.count() == 0) {
        return Answer.of(OptionalDouble.empty());
      }
      ColumnSummary.Lengths l = lengths.get();
      return Answer.of(
          stat == Stat.MIN_LENGTH ? l.min() : stat == Stat.MAX_LENGTH ? l.max() : l.mean());
    }
    if (type == DataType.BOOLEAN && (stat == Stat.MEAN || stat == Stat.SUM)) {
      return stat == Stat.MEAN
          ? Answer.of(column.mean())
          : Answer.of(
              column.count() == 0 ? OptionalDouble.empty() : OptionalDouble.of(column.trueCount()));
    }
    if (!orderable || (stat == Stat.SUM && type.isTemporal())) {
      return Answer.none(metric.key() + " does not apply to a " + type.label() + " column");
    }
    if (column.nanCount() + column.infiniteCount() > 0) {
      return Answer.none(NEEDS_ROWS + ": the column holds NaN or infinite values");
    }
    return switch (stat) {
      case MIN -> Answer.of(column.min());
      case MAX -> Answer.of(column.max());
      case MEAN -> Answer.of(column.mean());
      case STDDEV -> Answer.of(column.stddev());
      case SUM ->
          Answer.of(
              column.count() == 0
                  ? OptionalDouble.empty()
                  : OptionalDouble.of(column.mean().orElse(0) * column.count()));
      case QUANTILE -> Answer.of(column.quantile(metric.quantile()));
      case NULL_COUNT, APPROX_DISTINCT, MIN_LENGTH, MAX_LENGTH, MEAN_LENGTH ->
          throw new AssertionError(stat);
    };
  }

  /*
   * Answers "column IS [NOT] NULL" and the failing-row predicate of range validity checks,
   * "column IS NOT NULL AND NOT (bounds)", where the window's exact extremes settle it: all values
   * inside the bounds (none fail) or all outside (every value fails).
   */
  private static Answer countWhere(DatasetProfile profile, Expr predicate) {
    if (predicate instanceof Expr.IsNull n && n.operand() instanceof Expr.ColumnRef c) {
      return profile
          .column(c.name())
          .map(col -> Answer.of(n.negated() ? col.count() : col.missing()))
          .orElseGet(() -> Answer.none("no column '" + c.name() + "' in the inputs"));
    }
    if (predicate instanceof Expr.Binary b
        && b.op() == Expr.BinaryOp.AND
        && b.left() instanceof Expr.IsNull n
        && n.negated()
        && n.operand() instanceof Expr.ColumnRef c
        && b.right() instanceof Expr.Not not) {
      Optional<ColumnProfile> column = profile.column(c.name());
      Optional<double[]> bounds = bounds(not.operand(), c.name());
      if (column.isPresent() && bounds.isPresent()) {
        return outside(column.get(), bounds.get()[0], bounds.get()[1]);
      }
    }
    return Answer.none(NEEDS_ROWS + ": a row predicate");
  }

  private static Answer outside(ColumnProfile column, double low, double high) {
    if (!column.type().isNumeric()) {
      return Answer.none(NEEDS_ROWS + ": a range test on a " + column.type().label() + " column");
    }
    if (column.nanCount() + column.infiniteCount() > 0) {
      return Answer.none(NEEDS_ROWS + ": the column holds NaN or infinite values");
    }
    if (column.count() == 0 || column.min().isEmpty()) {
      return Answer.of(0);
    }
    double min = column.min().getAsDouble();
    double max = column.max().getAsDouble();
    if (min >= low && max <= high) {
      return Answer.of(0);
    }
    if (min > high || max < low) {
      return Answer.of(column.count());
    }
    return Answer.none(NEEDS_ROWS + ": the window's values straddle the range bounds");
  }

  /* [low, high] of "column >= a", "b >= column" or both joined by AND; empty for anything else. */
  private static Optional<double[]> bounds(Expr expr, String column) {
    if (expr instanceof Expr.Binary b && b.op() == Expr.BinaryOp.AND) {
      Optional<double[]> left = bounds(b.left(), column);
      Optional<double[]> right = bounds(b.right(), column);
      if (left.isEmpty() || right.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          new double[] {
            Math.max(left.get()[0], right.get()[0]), Math.min(left.get()[1], right.get()[1])
          });
    }
    if (expr instanceof Expr.Binary b && b.op() == Expr.BinaryOp.GE) {
      if (b.left() instanceof Expr.ColumnRef c
          && c.name().equals(column)
          && number(b.right()).isPresent()) {
        return Optional.of(
            new double[] {number(b.right()).getAsDouble(), Double.POSITIVE_INFINITY});
      }
      if (b.right() instanceof Expr.ColumnRef c
          && c.name().equals(column)
          && number(b.left()).isPresent()) {
        return Optional.of(new double[] {Double.NEGATIVE_INFINITY, number(b.left()).getAsDouble()});
      }
    }
    return Optional.empty();
  }

  private static OptionalDouble number(Expr expr) {
    if (expr instanceof Expr.Literal l && l.value() instanceof Number n) {
      return OptionalDouble.of(n.doubleValue());
    }
    return OptionalDouble.empty();
  }
}
