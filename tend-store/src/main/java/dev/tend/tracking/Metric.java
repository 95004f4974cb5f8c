package dev.tend.tracking;

import static java.util.Objects.requireNonNull;

/** One logged metric point; the value may be NaN or infinite. Times are epoch milliseconds. */
public record Metric(String key, double value, long timestamp, long step) {
  public Metric {
    requireNonNull(key, "key is null");
  }
}
