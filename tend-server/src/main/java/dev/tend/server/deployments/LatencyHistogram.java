package dev.tend.server.deployments;

import java.util.concurrent.atomic.AtomicLongArray;

/*
 * Log-linear buckets over microseconds, HdrHistogram-like: 16 sub-buckets per power of two, so a
 * quantile is within about 4.5% of the true value. Values under 16 µs get exact buckets; values of
 * 2^40 µs (about 12 days) and more share the last one. 37 * 16 longs, about 4.7 KB, whatever the
 * traffic. Recording is one atomic increment.
 */
final class LatencyHistogram {
  private static final int SUB_BITS = 4;
  private static final int SUB = 1 << SUB_BITS;
  private static final int MAX_EXPONENT = 40;
  private static final int BUCKETS = (MAX_EXPONENT - SUB_BITS + 1) * SUB;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  void record(long micros) {
    counts.incrementAndGet(bucket(Math.max(0, micros)));
  }

  static int bucket(long micros) {
    if (micros < SUB) {
      return (int) micros;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(micros);
    if (exponent >= MAX_EXPONENT) {
      return BUCKETS - 1;
    }
    int sub = (int) (micros >>> (exponent - SUB_BITS)) & (SUB - 1);
    return (exponent - SUB_BITS + 1) * SUB + sub;
  }

  /* The middle of the bucket's range, in microseconds. */
  static double value(int bucket) {
    if (bucket < SUB) {
      return bucket;
    }
    int exponent = bucket / SUB + SUB_BITS - 1;
    int sub = bucket % SUB;
    double low = (double) (SUB + sub) * Math.pow(2, exponent - SUB_BITS);
    double width = Math.pow(2, exponent - SUB_BITS);
    return low + width / 2;
  }

  /** The {@code q} quantile in microseconds; NaN when nothing was recorded. */
  double quantile(double q) {
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      total += counts.get(i);
    }
    if (total == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return value(i);
      }
    }
    return value(BUCKETS - 1);
  }
}
