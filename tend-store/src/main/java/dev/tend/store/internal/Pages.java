package dev.tend.store.internal;

import dev.tend.store.Page;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Builds pages from a query that fetched one row more than the page holds. */
public final class Pages {
  /** The most rows one page may hold. */
  public static final int MAX_LIMIT = 1000;

  private Pages() {}

  /** Throws {@link IllegalArgumentException} unless {@code 1 <= limit <= MAX_LIMIT}. */
  public static void checkLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException(
          "page limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
  }

  /** The first {@code limit} of {@code rows}, with a cursor when there were more. */
  public static <T> Page<T> of(List<T> rows, int limit, Function<T, String> id) {
    if (rows.size() <= limit) {
      return new Page<>(rows, Optional.empty());
    }
    List<T> items = rows.subList(0, limit);
    return new Page<>(items, Optional.of(id.apply(items.get(limit - 1))));
  }
}
