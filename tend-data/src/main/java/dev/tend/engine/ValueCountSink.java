package dev.tend.engine;

/**
 * Receives the distinct values of columns with their counts from {@link Dataset#scanValueCounts}.
 */
@FunctionalInterface
public interface ValueCountSink {
  void accept(int columnIndex, Object value, long count);
}
