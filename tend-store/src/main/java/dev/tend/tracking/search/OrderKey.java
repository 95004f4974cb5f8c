package dev.tend.tracking.search;

import static java.util.Objects.requireNonNull;

/** One {@code order_by} clause: what to order by and in which direction. */
public record OrderKey(Filter.Key key, boolean ascending) {
  public OrderKey {
    requireNonNull(key, "key is null");
  }
}
