package dev.tend.tracking;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A search over the runs of some experiments: a filter in MLflow's grammar (with Tend's {@code OR}
 * and parentheses), {@code order_by} clauses, and a page ({@code maxResults}, and the token of the
 * previous page).
 */
public record RunSearch(
    List<Long> experimentIds,
    String filter,
    ViewType viewType,
    int maxResults,
    List<String> orderBy,
    Optional<String> pageToken) {
  /** MLflow's default and largest page sizes. */
  public static final int DEFAULT_MAX_RESULTS = 1000;

  public static final int MAX_RESULTS = 50_000;

  public RunSearch {
    experimentIds = List.copyOf(experimentIds);
    requireNonNull(filter, "filter is null");
    requireNonNull(viewType, "viewType is null");
    orderBy = List.copyOf(orderBy);
    requireNonNull(pageToken, "pageToken is null");
  }
}
