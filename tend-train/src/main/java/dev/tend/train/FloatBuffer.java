package dev.tend.train;

import java.util.Arrays;

/** A growable float array. */
final class FloatBuffer {
  private float[] values = new float[1024];
  private int size;

  void add(float value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, Math.addExact(values.length, values.length >> 1));
    }
    values[size++] = value;
  }

  int size() {
    return size;
  }

  float get(int i) {
    return values[i];
  }

  void set(int i, float value) {
    values[i] = value;
  }

  float[] toArray() {
    return Arrays.copyOf(values, size);
  }
}
