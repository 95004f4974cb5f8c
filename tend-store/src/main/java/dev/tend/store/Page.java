package dev.tend.store;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing. {@code nextCursor} is opaque to callers: pass it back to get the next
 * page; it is empty on the last page.
 */
public record Page<T>(List<T> items, Optional<String> nextCursor) {
  public Page {
    items = List.copyOf(requireNonNull(items, "items is null"));
    requireNonNull(nextCursor, "nextCursor is null");
  }
}
