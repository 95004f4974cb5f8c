package dev.tend.profile;

import static java.util.Objects.requireNonNull;

import dev.tend.schema.DataType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.kll.KllDoublesSketch;

/*
 * Hot path: every update is a type check, a few primitive field updates and one update per
 * sketch. Which sketches exist depends on the type (see SketchColumnProfile); fields a type does
 * not use stay at their initial values.
 */
final class SketchColumnProfiler implements ColumnProfiler {
  private final String column;
  private final DataType type;
  private final ProfileOptions options;

  private long count;
  private long missing;
  private long trueCount;
  private long nanCount;
  private long positiveInfinityCount;
  private long negativeInfinityCount;
  private long emptyCount;

  private long valueN;
  private double valueMean;
  private double valueM2;
  private long minLong = Long.MAX_VALUE;
  private long maxLong = Long.MIN_VALUE;
  private double minDouble = Double.POSITIVE_INFINITY;
  private double maxDouble = Double.NEGATIVE_INFINITY;

  private long lengthN;
  private double lengthMean;
  private double lengthM2;
  private long minLength = Long.MAX_VALUE;
  private long maxLength = Long.MIN_VALUE;

  private final KllDoublesSketch kll;
  private final HllSketch hll;
  private final ItemsSketch<String> strings;
  private final ExactCounts longs;
  private boolean finished;

  SketchColumnProfiler(String column, DataType type, ProfileOptions options) {
    this.column = requireNonNull(column, "column is null");
    this.type = requireNonNull(type, "type is null");
    this.options = requireNonNull(options, "options is null");
    boolean numericOrTemporal = type.isNumeric() || type.isTemporal();
    this.kll = numericOrTemporal ? KllDoublesSketch.newHeapInstance(options.kllK()) : null;
    this.longs = numericOrTemporal ? new ExactCounts(options.exactValueLimit()) : null;
    this.strings =
        type == DataType.STRING ? new ItemsSketch<>(options.frequentItemsMapSize()) : null;
    this.hll =
        numericOrTemporal || type == DataType.STRING
            ? new HllSketch(options.hllLgK(), TgtHllType.HLL_8)
            : null;
  }

  @Override
  public String column() {
    return column;
  }

  @Override
  public DataType type() {
    return type;
  }

  @Override
  public void update(Object value, long count) {
    if (value == null) {
      updateMissing(count);
      return;
    }
    switch (type) {
      case BOOLEAN -> {
        if (value instanceof Boolean b) {
          updateBoolean(b, count);
          return;
        }
      }
      case INTEGER, DATE, TIMESTAMP -> {
        if (value instanceof Long
            || value instanceof Integer
            || value instanceof Short
            || value instanceof Byte) {
          updateLong(((Number) value).longValue(), count);
          return;
        }
      }
      case DOUBLE -> {
        if (value instanceof Number n) {
          updateDouble(n.doubleValue(), count);
          return;
        }
      }
      case STRING -> {
        if (value instanceof String s) {
          updateString(s, count);
          return;
        }
      }
      case OTHER -> {
        if (accept(count)) {
          this.count += count;
        }
        return;
      }
    }
    throw new IllegalArgumentException(
        "column '"
            + column
            + "' of type "
            + type.label()
            + " cannot take a "
            + value.getClass().getName()
            + " ("
            + value
            + "); expected "
            + expected());
  }

  private String expected() {
    return switch (type) {
      case BOOLEAN -> "Boolean";
      case INTEGER -> "Long";
      case DOUBLE -> "Double";
      case STRING -> "String";
      case DATE, TIMESTAMP -> "Long epoch microseconds";
      case OTHER -> "anything";
    };
  }

  @Override
  public void updateMissing(long count) {
    if (accept(count)) {
      missing += count;
    }
  }

  @Override
  public void updateBoolean(boolean value, long count) {
    requireType(type == DataType.BOOLEAN, "boolean");
    if (accept(count)) {
      this.count += count;
      if (value) {
        trueCount += count;
      }
    }
  }

  @Override
  public void updateLong(long value, long count) {
    if (type == DataType.DOUBLE) {
      updateDouble(value, count);
      return;
    }
    requireType(type == DataType.INTEGER || type.isTemporal(), "long");
    if (!accept(count)) {
      return;
    }
    this.count += count;
    if (value < minLong) {
      minLong = value;
    }
    if (value > maxLong) {
      maxLong = value;
    }
    double x = value;
    addValue(x, count);
    hll.update(value);
    longs.add(value, count);
  }

  @Override
  public void updateDouble(double value, long count) {
    requireType(type == DataType.DOUBLE, "double");
    if (!accept(count)) {
      return;
    }
    this.count += count;
    if (Double.isNaN(value)) {
      nanCount += count;
      hll.update(value);
      return;
    }
    if (Double.isInfinite(value)) {
      if (value > 0) {
        positiveInfinityCount += count;
      } else {
        negativeInfinityCount += count;
      }
      hll.update(value);
      return;
    }
    double x = value + 0.0; // -0.0 becomes 0.0
    if (x < minDouble) {
      minDouble = x;
    }
    if (x > maxDouble) {
      maxDouble = x;
    }
    addValue(x, count);
    hll.update(x);
    longs.add(Double.doubleToLongBits(x), count);
  }

  @Override
  public void updateString(String value, long count) {
    if (value == null) {
      updateMissing(count);
      return;
    }
    requireType(type == DataType.STRING, "string");
    if (!accept(count)) {
      return;
    }
    this.count += count;
    int length = value.codePointCount(0, value.length());
    if (length == 0) {
      emptyCount += count;
    } else {
      hll.update(value);
    }
    if (length < minLength) {
      minLength = length;
    }
    if (length > maxLength) {
      maxLength = length;
    }
    long n = lengthN + count;
    double delta = length - lengthMean;
    lengthMean += delta * count / n;
    lengthM2 += delta * (length - lengthMean) * count;
    lengthN = n;
    strings.update(value, count);
  }

  private void addValue(double x, long count) {
    long n = valueN + count;
    double delta = x - valueMean;
    valueMean += delta * count / n;
    valueM2 += delta * (x - valueMean) * count;
    valueN = n;
    if (count == 1) {
      kll.update(x);
    } else {
      WeightedKll.update(kll, x, count);
    }
  }

  private boolean accept(long count) {
    if (finished) {
      throw new IllegalStateException("profiler of column '" + column + "' is finished");
    }
    if (count < 0) {
      throw new IllegalArgumentException(
          "count must be >= 0 for column '" + column + "': " + count);
    }
    return count > 0;
  }

  private void requireType(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException(
          "column '" + column + "' of type " + type.label() + " cannot take a " + what + " value");
    }
  }

  @Override
  public ColumnProfile finish() {
    if (finished) {
      throw new IllegalStateException("profiler of column '" + column + "' is finished");
    }
    finished = true;
    long minBits;
    long maxBits;
    if (type == DataType.DOUBLE) {
      minBits = Double.doubleToLongBits(minDouble);
      maxBits = Double.doubleToLongBits(maxDouble);
    } else {
      minBits = minLong;
      maxBits = maxLong;
    }
    return new SketchColumnProfile(
        column,
        type,
        options,
        count,
        missing,
        trueCount,
        nanCount,
        positiveInfinityCount,
        negativeInfinityCount,
        emptyCount,
        0,
        new Moments(valueN, valueMean, valueM2),
        valueN == 0 ? 0 : minBits,
        valueN == 0 ? 0 : maxBits,
        new Moments(lengthN, lengthMean, lengthM2),
        lengthN == 0 ? 0 : minLength,
        lengthN == 0 ? 0 : maxLength,
        kll,
        hll,
        strings,
        longs);
  }
}
