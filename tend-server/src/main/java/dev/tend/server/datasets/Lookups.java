package dev.tend.server.datasets;

import static java.util.Objects.requireNonNull;

import dev.tend.access.Principal;
import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.server.http.ApiCall;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.FieldError;
import dev.tend.store.Names;

/**
 * Finds what a datasets request names: its project, dataset and version (by number or alias),
 * checking names first so a bad one is a 422 naming the rule and an unknown one a 404 naming it.
 * Thread-safe.
 */
final class Lookups {
  private final ProjectRepository projects;
  private final DatasetRepository datasets;

  Lookups(ProjectRepository projects, DatasetRepository datasets) {
    this.projects = requireNonNull(projects, "projects is null");
    this.datasets = requireNonNull(datasets, "datasets is null");
  }

  Project project(ApiCall call) {
    String name = name("project", call.pathParam("project"), FieldError.path("project", ""));
    return projects
        .findByName(name)
        .orElseThrow(() -> new ApiException.NotFound("no project named '" + name + "'"));
  }

  Dataset dataset(ApiCall call, Project project) {
    String name = name("dataset", call.pathParam("dataset"), FieldError.path("dataset", ""));
    return datasets
        .find(project.id(), name)
        .orElseThrow(
            () ->
                new ApiException.NotFound(
                    "no dataset named '" + name + "' in project '" + project.name() + "'"));
  }

  /*
   * A reference is a version number (digits) or an alias name; alias names are never all digits,
   * so the two cannot be confused.
   */
  DatasetVersion version(Dataset dataset, FieldError where, String ref) {
    if (!ref.isEmpty() && ref.chars().allMatch(c -> c >= '0' && c <= '9')) {
      int number;
      try {
        number = Integer.parseInt(ref);
      } catch (NumberFormatException e) {
        number = 0;
      }
      if (number < 1) {
        throw new ApiException.ValidationFailed(
            where.withMessage("a version number is a whole number from 1, not '" + ref + "'"));
      }
      int n = number;
      return datasets
          .version(dataset.id(), n)
          .orElseThrow(
              () ->
                  new ApiException.NotFound(
                      "dataset '" + dataset.name() + "' has no committed version " + n));
    }
    String alias;
    try {
      alias = Names.requireValid("alias", ref);
    } catch (IllegalArgumentException e) {
      throw new ApiException.ValidationFailed(
          where.withMessage(
              "a version reference is a version number or an alias name; " + e.getMessage()));
    }
    return datasets
        .resolve(dataset.id(), alias)
        .orElseThrow(
            () ->
                new ApiException.NotFound(
                    "dataset '" + dataset.name() + "' has no alias '" + alias + "'"));
  }

  static String name(String kind, String name, FieldError where) {
    try {
      return Names.requireValid(kind, name);
    } catch (IllegalArgumentException e) {
      throw new ApiException.ValidationFailed(where.withMessage(e.getMessage()));
    }
  }

  static String aliasName(String alias, FieldError where) {
    name("alias", alias, where);
    if (alias.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new ApiException.ValidationFailed(
          where.withMessage(
              "alias name '" + alias + "' must not be all digits: it would read as a version"));
    }
    return alias;
  }

  static String requiredQuery(ApiCall call, String name) {
    return call.queryParam(name)
        .orElseThrow(
            () ->
                new ApiException.ValidationFailed(
                    FieldError.query(
                        name, "?" + name + "= is required: a version number or an alias name")));
  }

  static String actor(ApiCall call) {
    return call.principal().map(Principal::name).orElseThrow();
  }
}
