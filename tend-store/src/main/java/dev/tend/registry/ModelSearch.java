package dev.tend.registry;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A search over registered models ({@code name} and {@code tags.*} in MLflow's filter grammar) or
 * over model versions ({@code name}, {@code version_number}, {@code run_id}, {@code source_path},
 * {@code tags.*}), with order clauses and a page. {@code readableBy}, when present, restricts the
 * search to projects where that principal has a role; {@code projectId}, when present, to the
 * models of that project.
 */
public record ModelSearch(
    String filter,
    int maxResults,
    List<String> orderBy,
    Optional<String> pageToken,
    Optional<String> readableBy,
    Optional<String> projectId) {
  public ModelSearch {
    requireNonNull(filter, "filter is null");
    orderBy = List.copyOf(orderBy);
    requireNonNull(pageToken, "pageToken is null");
    requireNonNull(readableBy, "readableBy is null");
    requireNonNull(projectId, "projectId is null");
  }

  /** A search in every project {@code readableBy} allows. */
  public ModelSearch(
      String filter,
      int maxResults,
      List<String> orderBy,
      Optional<String> pageToken,
      Optional<String> readableBy) {
    this(filter, maxResults, orderBy, pageToken, readableBy, Optional.empty());
  }
}
