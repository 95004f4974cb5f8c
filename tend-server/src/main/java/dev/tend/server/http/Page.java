package dev.tend.server.http;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One page of a list: its items and, when more follow, the store position after which the next page
 * starts (sent to clients as an opaque {@code next_cursor}).
 */
public record Page<T>(List<T> items, Optional<String> nextAfter) {
  public Page {
    items = List.copyOf(items);
    requireNonNull(nextAfter, "nextAfter is null");
  }

  /** The body sent for a page: {@code {"items": [...], "next_cursor": "..."}}. */
  public record Body<T>(List<T> items, Optional<String> nextCursor) {}
}
