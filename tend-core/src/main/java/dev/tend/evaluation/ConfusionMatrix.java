package dev.tend.evaluation;

import java.util.Arrays;

/**
 * Counts of rows by actual and predicted class, for classes numbered {@code 0..classes-1} (class 1
 * is the positive class of a binary problem). Mergeable: two matrices of the same size add up to
 * the matrix of their rows together, so windows and partitions can be counted apart.
 *
 * <p>Not thread-safe.
 */
public final class ConfusionMatrix {
  private final long[][] counts;

  private ConfusionMatrix(int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("a confusion matrix needs at least 2 classes: " + classes);
    }
    counts = new long[classes][classes];
  }

  /** An empty matrix for {@code classes} classes. */
  public static ConfusionMatrix create(int classes) {
    return new ConfusionMatrix(classes);
  }

  /** The matrix of binary labels and predictions (false = class 0, true = class 1). */
  public static ConfusionMatrix ofBinary(boolean[] actual, boolean[] predicted) {
    Checks.sameLength(actual.length, predicted.length, "predictions");
    ConfusionMatrix matrix = new ConfusionMatrix(2);
    for (int i = 0; i < actual.length; i++) {
      matrix.add(actual[i] ? 1 : 0, predicted[i] ? 1 : 0);
    }
    return matrix;
  }

  /** The matrix of class labels and predicted classes. */
  public static ConfusionMatrix of(int classes, int[] actual, int[] predicted) {
    Checks.sameLength(actual.length, predicted.length, "predictions");
    ConfusionMatrix matrix = new ConfusionMatrix(classes);
    for (int i = 0; i < actual.length; i++) {
      matrix.add(actual[i], predicted[i]);
    }
    return matrix;
  }

  public void add(int actual, int predicted) {
    add(actual, predicted, 1);
  }

  public void add(int actual, int predicted, long count) {
    checkClass(actual, "actual");
    checkClass(predicted, "predicted");
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    counts[actual][predicted] += count;
  }

  /** Adds the counts of {@code other}, which must have as many classes. */
  public void merge(ConfusionMatrix other) {
    if (other.classes() != classes()) {
      throw new IllegalArgumentException(
          "cannot merge a matrix of " + other.classes() + " classes into one of " + classes());
    }
    for (int a = 0; a < classes(); a++) {
      for (int p = 0; p < classes(); p++) {
        counts[a][p] += other.counts[a][p];
      }
    }
  }

  public ConfusionMatrix copy() {
    ConfusionMatrix copy = new ConfusionMatrix(classes());
    copy.merge(this);
    return copy;
  }

  public int classes() {
    return counts.length;
  }

  public long count(int actual, int predicted) {
    return counts[actual][predicted];
  }

  /** The counts, rows by actual class and columns by predicted class (a copy). */
  public long[][] counts() {
    long[][] copy = new long[classes()][];
    for (int a = 0; a < classes(); a++) {
      copy[a] = counts[a].clone();
    }
    return copy;
  }

  public long total() {
    long total = 0;
    for (long[] row : counts) {
      for (long c : row) {
        total += c;
      }
    }
    return total;
  }

  /** Rows whose actual class is {@code c}. */
  public long support(int c) {
    long support = 0;
    for (long n : counts[c]) {
      support += n;
    }
    return support;
  }

  /** Rows predicted as class {@code c}. */
  public long predicted(int c) {
    long predicted = 0;
    for (long[] row : counts) {
      predicted += row[c];
    }
    return predicted;
  }

  public long truePositives(int c) {
    return counts[c][c];
  }

  public MetricValue accuracy() {
    long correct = 0;
    for (int c = 0; c < classes(); c++) {
      correct += counts[c][c];
    }
    return MetricValue.ratio(correct, total(), "no rows");
  }

  /** Precision of class {@code c}: undefined when nothing was predicted as {@code c}. */
  public MetricValue precision(int c) {
    if (total() == 0) {
      return MetricValue.undefined("no rows");
    }
    return MetricValue.ratio(truePositives(c), predicted(c), "no row was predicted as class " + c);
  }

  /** Recall of class {@code c}: undefined when no row is actually {@code c}. */
  public MetricValue recall(int c) {
    if (total() == 0) {
      return MetricValue.undefined("no rows");
    }
    return MetricValue.ratio(truePositives(c), support(c), "no row is of class " + c);
  }

  /**
   * F1 of class {@code c}, {@code 2 tp / (2 tp + fp + fn)}: 0 when precision or recall is 0 or
   * undefined but the other is not, undefined only when the class is neither actual nor predicted.
   */
  public MetricValue f1(int c) {
    long tp = truePositives(c);
    long fp = predicted(c) - tp;
    long fn = support(c) - tp;
    if (total() == 0) {
      return MetricValue.undefined("no rows");
    }
    return MetricValue.ratio(
        2.0 * tp, 2.0 * tp + fp + fn, "class " + c + " is neither actual nor predicted");
  }

  public MetricValue precision(Average average) {
    return averaged(average, Score.PRECISION);
  }

  public MetricValue recall(Average average) {
    return averaged(average, Score.RECALL);
  }

  public MetricValue f1(Average average) {
    return averaged(average, Score.F1);
  }

  private enum Score {
    PRECISION,
    RECALL,
    F1
  }

  private MetricValue averaged(Average average, Score score) {
    if (total() == 0) {
      return MetricValue.undefined("no rows");
    }
    return switch (average) {
      case MICRO -> accuracy();
      case MACRO -> {
        double sum = 0;
        int included = 0;
        for (int c = 0; c < classes(); c++) {
          if (support(c) + predicted(c) > 0) {
            sum += zeroIfUndefined(score(score, c));
            included++;
          }
        }
        yield MetricValue.of(sum / included);
      }
      case WEIGHTED -> {
        double sum = 0;
        for (int c = 0; c < classes(); c++) {
          long support = support(c);
          if (support > 0) {
            sum += support * zeroIfUndefined(score(score, c));
          }
        }
        yield MetricValue.of(sum / total());
      }
    };
  }

  private MetricValue score(Score score, int c) {
    return switch (score) {
      case PRECISION -> precision(c);
      case RECALL -> recall(c);
      case F1 -> f1(c);
    };
  }

  private static double zeroIfUndefined(MetricValue value) {
    return value.isDefined() ? value.value() : 0;
  }

  private void checkClass(int c, String what) {
    if (c < 0 || c >= classes()) {
      throw new IllegalArgumentException(
          what + " class " + c + " is outside 0.." + (classes() - 1));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfusionMatrix other && Arrays.deepEquals(counts, other.counts);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(counts);
  }

  @Override
  public String toString() {
    return "ConfusionMatrix" + Arrays.deepToString(counts);
  }
}
