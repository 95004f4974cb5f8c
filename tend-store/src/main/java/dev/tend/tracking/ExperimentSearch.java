package dev.tend.tracking;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A search over experiments: a filter on {@code attributes.name}, {@code creation_time}, {@code
 * last_update_time} and tags, order clauses, and a page. {@code readableBy}, when present,
 * restricts the search to projects where that principal has a role; {@code projectId}, when
 * present, to the experiments of that project.
 */
public record ExperimentSearch(
    String filter,
    ViewType viewType,
    int maxResults,
    List<String> orderBy,
    Optional<String> pageToken,
    Optional<String> readableBy,
    Optional<String> projectId) {
  public ExperimentSearch {
    requireNonNull(filter, "filter is null");
    requireNonNull(viewType, "viewType is null");
    orderBy = List.copyOf(orderBy);
    requireNonNull(pageToken, "pageToken is null");
    requireNonNull(readableBy, "readableBy is null");
    requireNonNull(projectId, "projectId is null");
  }

  /** A search in every project {@code readableBy} allows. */
  public ExperimentSearch(
      String filter,
      ViewType viewType,
      int maxResults,
      List<String> orderBy,
      Optional<String> pageToken,
      Optional<String> readableBy) {
    this(filter, viewType, maxResults, orderBy, pageToken, readableBy, Optional.empty());
  }
}
