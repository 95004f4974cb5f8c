package dev.tend.train;

import java.util.Arrays;

/** A growable int array. */
final class IntBuffer {
  private int[] values = new int[1024];
  private int size;

  void add(int value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, Math.addExact(values.length, values.length >> 1));
    }
    values[size++] = value;
  }

  int size() {
    return size;
  }

  int get(int i) {
    return values[i];
  }
}
