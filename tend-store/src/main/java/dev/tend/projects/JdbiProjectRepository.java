package dev.tend.projects;

import static java.util.Objects.requireNonNull;

import dev.tend.store.Database;
import dev.tend.store.Ids;
import dev.tend.store.Names;
import dev.tend.store.Page;
import dev.tend.store.internal.AuditWriter;
import dev.tend.store.internal.Pages;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;

final class JdbiProjectRepository implements ProjectRepository {
  private static final String COLUMNS = "id, name, description, created_at, created_by";
  private static final RowMapper<Project> MAPPER =
      (rs, ctx) ->
          new Project(
              rs.getString("id"),
              rs.getString("name"),
              rs.getString("description"),
              Instant.ofEpochMilli(rs.getLong("created_at")),
              rs.getString("created_by"));

  private final Database database;

  JdbiProjectRepository(Database database) {
    this.database = requireNonNull(database, "database is null");
  }

  @Override
  public Project create(String name, String description, String actor) {
    Names.requireValid("project", name);
    requireNonNull(description, "description is null");
    requireNonNull(actor, "actor is null");
    Project project = new Project(Ids.next(), name, description, database.now(), actor);
    return database.write(
        handle -> {
          AuditWriter.append(
              handle,
              project.createdAt(),
              actor,
              "project.create",
              project.id(),
              "project/" + name,
              Map.of("name", name));
          handle
              .createUpdate(
                  "INSERT INTO projects ("
                      + COLUMNS
                      + ")"
                      + " VALUES (:id, :name, :description, :createdAt, :createdBy)")
              .bind("id", project.id())
              .bind("name", name)
              .bind("description", description)
              .bind("createdAt", project.createdAt().toEpochMilli())
              .bind("createdBy", actor)
              .execute();
          return project;
        });
  }

  @Override
  public Optional<Project> get(String id) {
    requireNonNull(id, "id is null");
    return database.read(
        handle ->
            handle
                .createQuery("SELECT " + COLUMNS + " FROM projects WHERE id = :id")
                .bind("id", id)
                .map(MAPPER)
                .findOne());
  }

  @Override
  public Optional<Project> findByName(String name) {
    requireNonNull(name, "name is null");
    return database.read(
        handle ->
            handle
                .createQuery("SELECT " + COLUMNS + " FROM projects WHERE name = :name")
                .bind("name", name)
                .map(MAPPER)
                .findOne());
  }

  @Override
  public Page<Project> list(Optional<String> cursor, int limit) {
    requireNonNull(cursor, "cursor is null");
    Pages.checkLimit(limit);
    return Pages.of(
        database.read(
            handle ->
                handle
                    .createQuery(
                        "SELECT "
                            + COLUMNS
                            + " FROM projects WHERE id > :cursor ORDER BY id LIMIT :limit")
                    .bind("cursor", cursor.orElse(""))
                    .bind("limit", limit + 1)
                    .map(MAPPER)
                    .list()),
        limit,
        Project::id);
  }

  @Override
  public Page<Project> listReadableBy(String principalId, Optional<String> cursor, int limit) {
    requireNonNull(principalId, "principalId is null");
    requireNonNull(cursor, "cursor is null");
    Pages.checkLimit(limit);
    return Pages.of(
        database.read(
            handle ->
                handle
                    .createQuery(
                        "SELECT p.id, p.name, p.description, p.created_at, p.created_by"
                            + " FROM projects p JOIN project_roles r ON r.project_id = p.id"
                            + " WHERE r.user_id = :principal AND p.id > :cursor"
                            + " ORDER BY p.id LIMIT :limit")
                    .bind("principal", principalId)
                    .bind("cursor", cursor.orElse(""))
                    .bind("limit", limit + 1)
                    .map(MAPPER)
                    .list()),
        limit,
        Project::id);
  }
}
