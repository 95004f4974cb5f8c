package dev.tend.profile;

import org.apache.datasketches.kll.KllDoublesSketch;

/*
 * KllDoublesSketch 5.0.2 has no weighted update. Updating `count` times costs about 6 ns per
 * occurrence, so a GROUP BY pair with a count in the millions would cost milliseconds. Above
 * DIRECT_LIMIT we build a sketch of `count` copies of the value by binary doubling instead:
 * P_0 holds DIRECT_LIMIT copies, P_{j+1} is the merge of P_j with itself, and P_j is merged into
 * the target for every set bit j of count / DIRECT_LIMIT. A sketch of one repeated value has no
 * rank error whatever it compacts, and merging is the operation KLL's error bound is proven for,
 * so the result is a valid sketch of the stream; the cost is O(k log count) instead of O(count).
 */
final class WeightedKll {
  static final int DIRECT_LIMIT = 1024;
  private static final int DIRECT_SHIFT = Integer.numberOfTrailingZeros(DIRECT_LIMIT);

  private WeightedKll() {}

  static void update(KllDoublesSketch target, double value, long count) {
    if (count <= DIRECT_LIMIT) {
      for (long i = 0; i < count; i++) {
        target.update(value);
      }
      return;
    }
    long remainder = count & (DIRECT_LIMIT - 1);
    for (long i = 0; i < remainder; i++) {
      target.update(value);
    }
    int k = target.getK();
    KllDoublesSketch power = KllDoublesSketch.newHeapInstance(k);
    for (int i = 0; i < DIRECT_LIMIT; i++) {
      power.update(value);
    }
    long multiples = count >>> DIRECT_SHIFT;
    while (true) {
      if ((multiples & 1) != 0) {
        target.merge(power);
      }
      multiples >>>= 1;
      if (multiples == 0) {
        return;
      }
      KllDoublesSketch doubled = KllDoublesSketch.newHeapInstance(k);
      doubled.merge(power);
      doubled.merge(power);
      power = doubled;
    }
  }
}
