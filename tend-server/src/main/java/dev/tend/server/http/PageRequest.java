package dev.tend.server.http;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Which page a list request asks for: at most {@code limit} items after {@code after} (a store
 * position decoded from the {@code cursor} query parameter; empty for the first page).
 */
public record PageRequest(int limit, Optional<String> after) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;

  public PageRequest {
    requireNonNull(after, "after is null");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be from 1 to " + MAX_LIMIT);
    }
  }

  /** Reads {@code ?limit=} and {@code ?cursor=}; bad values are a validation problem. */
  public static PageRequest of(Optional<String> limitParam, Optional<String> cursorParam) {
    int limit = DEFAULT_LIMIT;
    if (limitParam.isPresent()) {
      String text = limitParam.get().trim();
      try {
        limit = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new ApiException.ValidationFailed(
            FieldError.query(
                "limit",
                "limit must be a whole number from 1 to " + MAX_LIMIT + ", found '" + text + "'"));
      }
    }
    Optional<String> after = Optional.empty();
    if (cursorParam.isPresent()) {
      after = Cursor.decode(cursorParam.get());
      if (after.isEmpty()) {
        throw new ApiException.ValidationFailed(
            FieldError.query(
                "cursor",
                "cursor is not one this server returned; pass the next_cursor of the previous"
                    + " page unchanged, or leave it out for the first page"));
      }
    }
    return new PageRequest(limit, after);
  }
}
