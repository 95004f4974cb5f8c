package dev.tend.feedback;

import static java.util.Objects.requireNonNull;

import dev.tend.store.ConflictException;
import dev.tend.store.Database;
import dev.tend.store.internal.AuditWriter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/*
 * A batch is applied in memory first, item after item, against the rows already stored (read in
 * chunks of CHUNK ids), so a conflict anywhere refuses the batch before anything is written; then
 * the final value of each (prediction, name) is inserted or updated in the same transaction.
 * Concurrent first inserts of one key meet the primary key: the loser's transaction fails as a
 * ConflictException and its retry finds the value stored.
 */
final class JdbiFeedbackRepository implements FeedbackRepository {
  private static final int CHUNK = 500;
  private static final String COLUMNS =
      "prediction_id, name, value_json, value_number, occurred_at, received_at, received_by,"
          + " deployment, project_id, corrections";

  private final Database database;

  JdbiFeedbackRepository(Database database) {
    this.database = requireNonNull(database, "database is null");
  }

  private record Key(String predictionId, String name) {}

  @Override
  public List<Result> record(List<NewFeedback> items, String actor) {
    requireNonNull(items, "items is null");
    requireNonNull(actor, "actor is null");
    if (items.isEmpty() || items.size() > MAX_BATCH) {
      throw new IllegalArgumentException(
          "send 1 to " + MAX_BATCH + " feedback items at once, not " + items.size());
    }
    return database.write(
        handle -> {
          Set<String> ids = new LinkedHashSet<>();
          items.forEach(item -> ids.add(item.predictionId()));
          Map<Key, Feedback> stored = new HashMap<>();
          for (List<Feedback> list : find(handle, ids).values()) {
            list.forEach(f -> stored.put(new Key(f.predictionId(), f.name()), f));
          }
          Instant now = database.now();
          Map<Key, Feedback> current = new HashMap<>(stored);
          Map<Key, Feedback> changed = new LinkedHashMap<>();
          List<Result> results = new ArrayList<>(items.size());
          for (int i = 0; i < items.size(); i++) {
            NewFeedback item = items.get(i);
            Key key = new Key(item.predictionId(), item.name());
            Feedback before = current.get(key);
            Result result;
            if (before == null) {
              result = Result.CREATED;
            } else if (before.value().equals(item.value())
                && item.occurredAt().map(before.occurredAt()::equals).orElse(true)) {
              results.add(Result.UNCHANGED);
              continue;
            } else if (item.replace()) {
              result = Result.REPLACED;
            } else {
              throw new FeedbackConflictException(
                  i,
                  "prediction '"
                      + item.predictionId()
                      + "' has "
                      + item.name()
                      + " "
                      + before.value()
                      + " (at "
                      + before.occurredAt()
                      + ") already; send \"replace\": true to correct it to "
                      + item.value()
                      + " (at "
                      + item.occurredAt().map(Instant::toString).orElse("now")
                      + ")");
            }
            Feedback after =
                new Feedback(
                    item.predictionId(),
                    item.name(),
                    item.value(),
                    item.number(),
                    item.occurredAt().orElse(now),
                    now,
                    actor,
                    item.deployment(),
                    item.projectId(),
                    before == null ? 0 : before.corrections() + 1);
            current.put(key, after);
            changed.put(key, after);
            results.add(result);
          }
          write(handle, stored, changed, actor, now);
          return results;
        });
  }

  private static void write(
      Handle handle,
      Map<Key, Feedback> stored,
      Map<Key, Feedback> changed,
      String actor,
      Instant now) {
    PreparedBatch inserts =
        handle.prepareBatch(
            "INSERT INTO feedback ("
                + COLUMNS
                + ", kind) VALUES (:id, :name, :value, :number, :occurred, :received, :by,"
                + " :deployment, :project, :corrections, :kind)");
    PreparedBatch updates =
        handle.prepareBatch(
            "UPDATE feedback SET value_json = :value, value_number = :number,"
                + " occurred_at = :occurred, received_at = :received, received_by = :by,"
                + " corrections = :corrections WHERE prediction_id = :id AND name = :name");
    int insertCount = 0;
    int updateCount = 0;
    for (Map.Entry<Key, Feedback> entry : changed.entrySet()) {
      Feedback f = entry.getValue();
      Feedback before = stored.get(entry.getKey());
      PreparedBatch batch = before == null ? inserts : updates;
      batch
          .bind("id", f.predictionId())
          .bind("name", f.name())
          .bind("value", f.value())
          .bind("number", f.number().isPresent() ? f.number().getAsDouble() : null)
          .bind("occurred", f.occurredAt().toEpochMilli())
          .bind("received", f.receivedAt().toEpochMilli())
          .bind("by", f.receivedBy())
          .bind("corrections", f.corrections());
      if (before == null) {
        batch
            .bind("deployment", f.deployment())
            .bind("project", f.projectId())
            .bind("kind", f.kind().wireName());
        insertCount++;
      } else {
        updateCount++;
        AuditWriter.append(
            handle,
            now,
            actor,
            "feedback.replace",
            f.projectId(),
            "prediction/" + f.predictionId() + "/" + f.name(),
            Map.of(
                "from", before.value(), "to", f.value(), "occurredAt", f.occurredAt().toString()));
      }
      batch.add();
    }
    if (insertCount > 0) {
      inserts.execute();
    }
    if (updateCount > 0) {
      updates.execute();
    }
  }

  @Override
  public Map<String, List<Feedback>> forPredictions(Collection<String> predictionIds) {
    requireNonNull(predictionIds, "predictionIds is null");
    if (predictionIds.isEmpty()) {
      return Map.of();
    }
    return database.read(handle -> find(handle, new LinkedHashSet<>(predictionIds)));
  }

  private static Map<String, List<Feedback>> find(Handle handle, Set<String> ids) {
    Map<String, List<Feedback>> found = new HashMap<>();
    List<String> all = List.copyOf(ids);
    for (int from = 0; from < all.size(); from += CHUNK) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
      handle
          .createQuery(
              "SELECT "
                  + COLUMNS
                  + " FROM feedback WHERE prediction_id IN (<ids>) ORDER BY prediction_id, name")
          .bindList("ids", chunk)
          .map((rs, ctx) -> row(rs))
          .forEach(f -> found.computeIfAbsent(f.predictionId(), k -> new ArrayList<>()).add(f));
    }
    return found;
  }

  private static Feedback row(ResultSet rs) throws SQLException {
    double number = rs.getDouble("value_number");
    boolean numeric = !rs.wasNull();
    return new Feedback(
        rs.getString("prediction_id"),
        rs.getString("name"),
        rs.getString("value_json"),
        numeric ? OptionalDouble.of(number) : OptionalDouble.empty(),
        Instant.ofEpochMilli(rs.getLong("occurred_at")),
        Instant.ofEpochMilli(rs.getLong("received_at")),
        rs.getString("received_by"),
        rs.getString("deployment"),
        rs.getString("project_id"),
        rs.getInt("corrections"));
  }

  @Override
  public Optional<String> projectOfDeployment(String deployment) {
    requireNonNull(deployment, "deployment is null");
    return database.read(handle -> projectOf(handle, deployment));
  }

  private static Optional<String> projectOf(Handle handle, String deployment) {
    Optional<String> served =
        handle
            .createQuery("SELECT project_id FROM deployments WHERE name = :name")
            .bind("name", deployment)
            .mapTo(String.class)
            .findOne();
    if (served.isPresent()) {
      return served;
    }
    return handle
        .createQuery("SELECT project_id FROM external_deployments WHERE name = :name")
        .bind("name", deployment)
        .mapTo(String.class)
        .findOne();
  }

  @Override
  public void claimDeployment(String projectId, String deployment, String actor) {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(deployment, "deployment is null");
    requireNonNull(actor, "actor is null");
    database.write(
        handle -> {
          Optional<String> owner = projectOf(handle, deployment);
          if (owner.isPresent()) {
            if (!owner.get().equals(projectId)) {
              throw new ConflictException(
                  "the deployment name '" + deployment + "' belongs to another project");
            }
            return null;
          }
          Instant now = database.now();
          handle
              .createUpdate(
                  "INSERT INTO external_deployments (name, project_id, created_at, created_by)"
                      + " VALUES (:name, :project, :at, :by)")
              .bind("name", deployment)
              .bind("project", projectId)
              .bind("at", now.toEpochMilli())
              .bind("by", actor)
              .execute();
          AuditWriter.append(
              handle,
              now,
              actor,
              "deployment.claim-external",
              projectId,
              "deployment/" + deployment,
              Map.of());
          return null;
        });
  }
}
