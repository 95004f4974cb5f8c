package dev.tend.engine;

/**
 * Receives rows one at a time from {@link Dataset#scanRows}. The array holds the requested columns
 * in request order and is reused for the next row: copy what must outlive the call.
 */
@FunctionalInterface
public interface RowSink {
  void accept(Object[] values);
}
