package dev.tend.monitor;

import static java.util.Objects.requireNonNull;

import dev.tend.profile.ColumnProfile;
import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileProvenance;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * The summary of one window of one deployment's (or model version's, or segment's) logged
 * predictions: row count and time span, profiles of the inputs and of the prediction, schema
 * violations, a latency quantile sketch and, for classifiers, a confidence histogram. Monitoring
 * figures (drift, data quality, CBPE, latency) are computed from it. Made by a {@link
 * WindowSketchBuilder}; immutable, thread-safe and mergeable across windows and segments;
 * serializes to a versioned binary format with {@link #toBytes()}.
 *
 * <p>Counts, missing values, violations, min/max and the confidence histogram merge exactly;
 * quantiles and distinct counts within their sketches' error. Unexpected field names are kept for
 * at most {@link #MAX_UNEXPECTED_NAMES} names, the rest under {@link #OTHER_FIELDS}.
 */
public final class WindowSketch {
  /** The binary format version {@link #toBytes()} writes. */
  public static final int FORMAT_VERSION = 1;

  /** Bins of the confidence histogram unless a builder is told otherwise. */
  public static final int DEFAULT_CONFIDENCE_BINS = 1000;

  /** The name of the prediction's column in {@link #predictionProfile()}. */
  public static final String PREDICTION = "prediction";

  /** Unexpected input field names counted one by one. */
  public static final int MAX_UNEXPECTED_NAMES = 50;

  /** The key that collects unexpected fields beyond {@link #MAX_UNEXPECTED_NAMES}. */
  public static final String OTHER_FIELDS = "(other)";

  private static final String SOURCE = "prediction log";
  private static final int MAX_BINS = 100_000;

  private final WindowSketchSchema.Task task;
  private final long rows;
  private final long firstMicros;
  private final long lastMicros;
  private final DatasetProfile inputs;
  private final DatasetProfile prediction;
  private final long[] absent;
  private final long[] wrongType;
  private final long violatingRows;
  private final long malformedInputs;
  private final long unexpectedFields;
  private final Map<String, Long> unexpectedCounts;
  private final long predictionViolations;
  private final KllDoublesSketch latency;
  private final int confidenceBins;
  private final long[] confidence;

  /* Arrays are owned by the new sketch; callers pass copies. */
  WindowSketch(
      WindowSketchSchema.Task task,
      long rows,
      long firstMicros,
      long lastMicros,
      DatasetProfile inputs,
      DatasetProfile prediction,
      long[] absent,
      long[] wrongType,
      long violatingRows,
      long malformedInputs,
      long unexpectedFields,
      Map<String, Long> unexpectedCounts,
      long predictionViolations,
      KllDoublesSketch latency,
      int confidenceBins,
      long[] confidence) {
    requireNonNull(task, "task is null");
    this.inputs = requireNonNull(inputs, "inputs is null");
    this.prediction = requireNonNull(prediction, "prediction is null");
    this.latency = requireNonNull(latency, "latency is null");
    this.unexpectedCounts = Map.copyOf(unexpectedCounts);
    checkBins(confidenceBins);
    int n = inputs.columns().size();
    if (rows < 0
        || inputs.rowCount() != rows
        || prediction.rowCount() != rows
        || latency.getN() != rows) {
      throw new IllegalArgumentException(
          "row counts disagree: "
              + rows
              + " rows, inputs "
              + inputs.rowCount()
              + ", prediction "
              + prediction.rowCount()
              + ", latency "
              + latency.getN());
    }
    if (prediction.columns().size() != 1
        || !prediction.columns().get(0).column().equals(PREDICTION)
        || prediction.columns().get(0).type() != task.predictionType()) {
      throw new IllegalArgumentException(
          "the prediction profile must be one column '"
              + PREDICTION
              + "' of type "
              + task.predictionType().label());
    }
    if (absent.length != n || wrongType.length != n) {
      throw new IllegalArgumentException("violation counts must have one entry per input");
    }
    if (confidence.length != (task.isClassifier() ? confidenceBins : 0)) {
      throw new IllegalArgumentException(
          "a " + task + " sketch has " + confidence.length + " confidence bins, not expected");
    }
    if (rows > 0 && firstMicros > lastMicros) {
      throw new IllegalArgumentException("first timestamp is after the last");
    }
    for (long[] counts : List.of(absent, wrongType, confidence)) {
      for (long c : counts) {
        if (c < 0 || c > rows) {
          throw new IllegalArgumentException("a count is outside [0, rows]: " + c);
        }
      }
    }
    this.task = task;
    this.rows = rows;
    this.firstMicros = firstMicros;
    this.lastMicros = lastMicros;
    this.absent = absent;
    this.wrongType = wrongType;
    this.violatingRows = violatingRows;
    this.malformedInputs = malformedInputs;
    this.unexpectedFields = unexpectedFields;
    this.predictionViolations = predictionViolations;
    this.confidenceBins = confidenceBins;
    this.confidence = confidence;
  }

  /** The sketch of no rows. */
  public static WindowSketch empty(WindowSketchSchema schema) {
    return new WindowSketchBuilder(schema).build();
  }

  /**
   * Reads bytes written by {@link #toBytes()} of this or an earlier format version.
   *
   * @throws WindowSketchFormatException if the bytes are not a window sketch, are corrupted, or
   *     come from a newer format version
   */
  public static WindowSketch fromBytes(byte[] bytes) {
    return WindowSketchCodec.decode(bytes);
  }

  /**
   * The start of the tumbling window of {@code width} that holds {@code timestamp}: windows are
   * aligned to the epoch (UTC), so an hour's windows start on the hour and a day's at midnight UTC.
   *
   * @throws IllegalArgumentException if width is not positive or does not divide a day into whole
   *     microseconds
   */
  public static Instant windowStart(Instant timestamp, Duration width) {
    requireNonNull(timestamp, "timestamp is null");
    requireNonNull(width, "width is null");
    if (width.isNegative() || width.isZero() || width.toNanos() % 1000 != 0) {
      throw new IllegalArgumentException(
          "window width must be a positive whole number of microseconds: " + width);
    }
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, timestamp);
    long w = width.toNanos() / 1000;
    return Instant.EPOCH.plus(Math.floorDiv(micros, w) * w, ChronoUnit.MICROS);
  }

  public WindowSketchSchema.Task task() {
    return task;
  }

  /** The inputs and task this sketch summarises. */
  public WindowSketchSchema schema() {
    List<WindowSketchSchema.Input> fields = new ArrayList<>(inputs.columns().size());
    for (ColumnProfile c : inputs.columns()) {
      fields.add(new WindowSketchSchema.Input(c.column(), c.type()));
    }
    return new WindowSketchSchema(fields, task);
  }

  /** Predictions in the window. */
  public long rows() {
    return rows;
  }

  /** When the window's first prediction was answered; empty without rows. */
  public Optional<Instant> firstTimestamp() {
    return rows == 0 ? Optional.empty() : Optional.of(instant(firstMicros));
  }

  public Optional<Instant> lastTimestamp() {
    return rows == 0 ? Optional.empty() : Optional.of(instant(lastMicros));
  }

  private static Instant instant(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  /**
   * Profiles of the input columns in signature order. A value that broke the schema (absent field,
   * wrong type) counts as missing there too.
   */
  public DatasetProfile inputs() {
    return inputs;
  }

  /**
   * The one-column profile of the prediction ({@link #PREDICTION}): a binary classifier's
   * positive-class probability, a multiclass classifier's label, a regression's value.
   */
  public DatasetProfile predictionProfile() {
    return prediction;
  }

  /** The prediction's column profile. */
  public ColumnProfile prediction() {
    return prediction.columns().get(0);
  }

  /**
   * Rows whose inputs lacked the field {@code column} (including rows whose inputs were not a JSON
   * object).
   *
   * @throws IllegalArgumentException if there is no such input
   */
  public long absentCount(String column) {
    return absent[index(column)];
  }

  /** Rows whose field {@code column} had a value its type does not allow. */
  public long wrongTypeCount(String column) {
    return wrongType[index(column)];
  }

  /** Rows breaking the schema at {@code column}: absent plus wrong type. */
  public long violationCount(String column) {
    int i = index(column);
    return absent[i] + wrongType[i];
  }

  private int index(String column) {
    List<ColumnProfile> columns = inputs.columns();
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).column().equals(column)) {
        return i;
      }
    }
    throw new IllegalArgumentException("the window has no input '" + column + "'");
  }

  /**
   * Rows with at least one schema violation: an absent field, a wrong type, an unexpected field, or
   * inputs that were not a JSON object.
   */
  public long violatingRows() {
    return violatingRows;
  }

  /** Rows whose inputs were not valid JSON or not an object. */
  public long malformedInputs() {
    return malformedInputs;
  }

  /** Fields the schema does not know, over all rows. */
  public long unexpectedFields() {
    return unexpectedFields;
  }

  /**
   * Unexpected fields by name; at most {@link #MAX_UNEXPECTED_NAMES} names, the rest under {@link
   * #OTHER_FIELDS}.
   */
  public Map<String, Long> unexpectedFieldCounts() {
    return unexpectedCounts;
  }

  /**
   * Rows whose outputs lacked the prediction, held the wrong type, or (binary) a probability
   * outside [0, 1].
   */
  public long predictionViolations() {
    return predictionViolations;
  }

  /** Approximate latency in milliseconds at {@code rank} in [0, 1]; empty without rows. */
  public OptionalDouble latencyMillis(double rank) {
    if (!(rank >= 0 && rank <= 1)) {
      throw new IllegalArgumentException("rank must be in [0, 1]: " + rank);
    }
    return latency.isEmpty()
        ? OptionalDouble.empty()
        : OptionalDouble.of(latency.getQuantile(rank));
  }

  /** The latency sketch's normalized rank error (99% confidence, single-sided). */
  public double latencyRankError() {
    return latency.getNormalizedRankError(false);
  }

  /** A copy of the latency quantile sketch, in milliseconds. */
  public KllDoublesSketch latencySketch() {
    return KllDoublesSketch.heapify(Memory.wrap(latency.toByteArray()));
  }

  KllDoublesSketch latency() {
    return latency;
  }

  /** Bins of the confidence histogram (0 for a regression). */
  public int confidenceBins() {
    return confidence.length;
  }

  int declaredConfidenceBins() {
    return confidenceBins;
  }

  /**
   * Counts of the confidence histogram: bin {@code i} holds confidences in [i/bins, (i+1)/bins),
   * the last also 1. The confidence is a binary classifier's positive-class probability and a
   * multiclass classifier's highest class probability. Empty for a regression.
   */
  public long[] confidenceCounts() {
    return confidence.clone();
  }

  /** Predictions counted in the confidence histogram. */
  public long confidenceTotal() {
    long total = 0;
    for (long c : confidence) {
      total += c;
    }
    return total;
  }

  long[] absentArray() {
    return absent;
  }

  long[] wrongTypeArray() {
    return wrongType;
  }

  long[] confidenceArray() {
    return confidence;
  }

  long firstMicros() {
    return firstMicros;
  }

  long lastMicros() {
    return lastMicros;
  }

  /**
   * The sketch of both windows together (adjacent windows, segments, or partial sketches of one
   * window).
   *
   * @throws IllegalArgumentException if the tasks, inputs or confidence bins differ
   */
  public WindowSketch merge(WindowSketch other) {
    requireNonNull(other, "other is null");
    if (task != other.task) {
      throw new IllegalArgumentException(
          "cannot merge a " + task + " window with a " + other.task + " window");
    }
    if (!schema().equals(other.schema())) {
      throw new IllegalArgumentException(
          "cannot merge windows of different inputs: "
              + schema().inputs()
              + " and "
              + other.schema().inputs());
    }
    if (confidenceBins != other.confidenceBins) {
      throw new IllegalArgumentException(
          "cannot merge confidence histograms of "
              + confidenceBins
              + " and "
              + other.confidenceBins
              + " bins");
    }
    KllDoublesSketch mergedLatency =
        KllDoublesSketch.newHeapInstance(Math.min(latency.getK(), other.latency.getK()));
    mergedLatency.merge(latency);
    mergedLatency.merge(other.latency);
    boolean none = rows == 0;
    boolean otherNone = other.rows == 0;
    return new WindowSketch(
        task,
        rows + other.rows,
        none
            ? other.firstMicros
            : otherNone ? firstMicros : Math.min(firstMicros, other.firstMicros),
        none ? other.lastMicros : otherNone ? lastMicros : Math.max(lastMicros, other.lastMicros),
        inputs.merge(other.inputs),
        prediction.merge(other.prediction),
        add(absent, other.absent),
        add(wrongType, other.wrongType),
        violatingRows + other.violatingRows,
        malformedInputs + other.malformedInputs,
        unexpectedFields + other.unexpectedFields,
        mergeNames(unexpectedCounts, other.unexpectedCounts),
        predictionViolations + other.predictionViolations,
        mergedLatency,
        confidenceBins,
        add(confidence, other.confidence));
  }

  private static long[] add(long[] a, long[] b) {
    long[] sum = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      sum[i] = a[i] + b[i];
    }
    return sum;
  }

  /* Sums by name; beyond the cap the most frequent names stay (ties by name), the rest fold. */
  static Map<String, Long> mergeNames(Map<String, Long> a, Map<String, Long> b) {
    Map<String, Long> sum = new HashMap<>(a);
    b.forEach((k, v) -> sum.merge(k, v, Long::sum));
    if (sum.size() <= MAX_UNEXPECTED_NAMES) {
      return sum;
    }
    long other = sum.getOrDefault(OTHER_FIELDS, 0L);
    List<Map.Entry<String, Long>> named = new ArrayList<>();
    for (Map.Entry<String, Long> e : sum.entrySet()) {
      if (!e.getKey().equals(OTHER_FIELDS)) {
        named.add(e);
      }
    }
    named.sort(
        Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
    Map<String, Long> kept = new HashMap<>();
    for (int i = 0; i < named.size(); i++) {
      if (i < MAX_UNEXPECTED_NAMES - 1) {
        kept.put(named.get(i).getKey(), named.get(i).getValue());
      } else {
        other += named.get(i).getValue();
      }
    }
    kept.put(OTHER_FIELDS, other);
    return kept;
  }

  /** Serializes in format version {@link #FORMAT_VERSION}. */
  public byte[] toBytes() {
    return WindowSketchCodec.encode(this);
  }

  static int bin(double confidence, int bins) {
    return Math.min(bins - 1, (int) (confidence * bins));
  }

  static void checkBins(int bins) {
    if (bins < 1 || bins > MAX_BINS) {
      throw new IllegalArgumentException(
          "confidence bins must be in [1, " + MAX_BINS + "]: " + bins);
    }
  }

  static ProfileProvenance provenance(long lastMicros) {
    return ProfileProvenance.of(SOURCE, Math.floorDiv(lastMicros, 1000));
  }

  @Override
  public String toString() {
    return "WindowSketch["
        + task
        + ", rows="
        + rows
        + ", inputs="
        + inputs.columns().stream().map(ColumnProfile::column).toList()
        + ", confidenceBins="
        + confidence.length
        + ", violatingRows="
        + violatingRows
        + "]";
  }
}
