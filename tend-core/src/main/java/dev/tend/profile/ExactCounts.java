package dev.tend.profile;

import java.nio.ByteBuffer;
import java.util.Arrays;

/*
 * Exact counts of up to `limit` distinct long keys (numeric and temporal values; doubles as their
 * bits), for the top values of low-cardinality numeric columns. Past the limit it gives up for
 * good and drops its table, so a high-cardinality column pays one branch per update instead of a
 * frequent-items sketch update. Merging is consistent with profiling the whole: a part with more
 * than `limit` distinct keys implies the whole has too, and exact tables merge exactly.
 * Open addressing with linear probing; mutable while profiling, never mutated after finish().
 */
final class ExactCounts {
  private final int limit;
  private long[] keys;
  private long[] counts; // 0 marks an empty slot
  private int size;

  ExactCounts(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1: " + limit);
    }
    this.limit = limit;
    int capacity = Integer.highestOneBit(limit * 2 - 1) << 1;
    this.keys = new long[capacity];
    this.counts = new long[capacity];
  }

  static ExactCounts overflowed(int limit) {
    ExactCounts result = new ExactCounts(limit);
    result.overflow();
    return result;
  }

  int limit() {
    return limit;
  }

  boolean isOverflowed() {
    return keys == null;
  }

  int size() {
    return size;
  }

  private void overflow() {
    keys = null;
    counts = null;
    size = 0;
  }

  void add(long key, long count) {
    long[] k = keys;
    if (k == null) {
      return;
    }
    int mask = k.length - 1;
    int slot = (int) mix(key) & mask;
    while (counts[slot] != 0) {
      if (k[slot] == key) {
        counts[slot] += count;
        return;
      }
      slot = (slot + 1) & mask;
    }
    if (size == limit) {
      overflow();
      return;
    }
    k[slot] = key;
    counts[slot] = count;
    size++;
  }

  private static long mix(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return h ^ (h >>> 32);
  }

  /** Calls {@code consumer} with every key and count, in no particular order. */
  void forEach(KeyCount consumer) {
    if (keys == null) {
      return;
    }
    for (int i = 0; i < keys.length; i++) {
      if (counts[i] != 0) {
        consumer.accept(keys[i], counts[i]);
      }
    }
  }

  interface KeyCount {
    void accept(long key, long count);
  }

  static ExactCounts merge(ExactCounts a, ExactCounts b, int limit) {
    if (a.isOverflowed() || b.isOverflowed()) {
      return overflowed(limit);
    }
    ExactCounts result = new ExactCounts(limit);
    a.forEach(result::add);
    b.forEach(result::add);
    return result;
  }

  /** int limit | int size (-1 = overflowed) | size x (long key, long count), sorted by key. */
  byte[] toBytes() {
    ByteBuffer out = ByteBuffer.allocate(8 + 16 * size);
    out.putInt(limit);
    out.putInt(isOverflowed() ? -1 : size);
    long[][] pairs = new long[size][];
    int[] next = {0};
    forEach((key, count) -> pairs[next[0]++] = new long[] {key, count});
    Arrays.sort(pairs, (x, y) -> Long.compare(x[0], y[0]));
    for (long[] pair : pairs) {
      out.putLong(pair[0]);
      out.putLong(pair[1]);
    }
    return out.array();
  }

  static ExactCounts fromBytes(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int limit = in.getInt();
    int size = in.getInt();
    if (size == -1) {
      return overflowed(limit);
    }
    if (size < 0 || size > limit || in.remaining() != 16L * size) {
      throw new IllegalArgumentException(
          "invalid exact value counts: " + size + " entries of limit " + limit);
    }
    ExactCounts result = new ExactCounts(limit);
    for (int i = 0; i < size; i++) {
      long key = in.getLong();
      long count = in.getLong();
      if (count <= 0) {
        throw new IllegalArgumentException("invalid count " + count + " for value " + key);
      }
      result.add(key, count);
    }
    return result;
  }
}
