package dev.tend.train;

import java.util.Arrays;

/** A growable double array. */
final class DoubleBuffer {
  private double[] values = new double[1024];
  private int size;

  void add(double value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, Math.addExact(values.length, values.length >> 1));
    }
    values[size++] = value;
  }

  int size() {
    return size;
  }

  double get(int i) {
    return values[i];
  }
}
