package dev.tend.projects;

import dev.tend.store.Database;
import dev.tend.store.Page;
import java.util.Optional;

/** Creates and finds projects. Thread-safe; every change is audited in its own transaction. */
public interface ProjectRepository {
  /**
   * The name of the project that work naming no project goes to: a server creates it at its first
   * start, MLflow clients that give no project use it, and it is the CLI's default {@code
   * --project}.
   */
  String DEFAULT_PROJECT = "default";

  /** The projects of {@code database}. */
  static ProjectRepository of(Database database) {
    return new JdbiProjectRepository(database);
  }

  /**
   * Creates a project named {@code name} (1 to 64 characters of {@code [a-z0-9._-]}, starting with
   * a letter or digit).
   *
   * @throws IllegalArgumentException when the name breaks the rule
   * @throws dev.tend.store.ConflictException when the name is taken
   */
  Project create(String name, String description, String actor);

  /** The project with id {@code id}. */
  Optional<Project> get(String id);

  /** The project named {@code name}. */
  Optional<Project> findByName(String name);

  /**
   * Projects in creation order; {@code cursor} is the previous page's {@link Page#nextCursor()}.
   */
  Page<Project> list(Optional<String> cursor, int limit);

  /** Like {@link #list}, but only the projects where {@code principalId} has a role. */
  Page<Project> listReadableBy(String principalId, Optional<String> cursor, int limit);
}
