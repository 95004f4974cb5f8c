package dev.tend.monitors;

import static java.util.Objects.requireNonNull;

import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.monitors.MonitorCursor.FeedbackPosition;
import dev.tend.monitors.MonitorCursor.Position;
import dev.tend.store.Database;
import dev.tend.store.internal.AuditWriter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BinaryOperator;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/*
 * The cursor row is the lock of a deployment's windows: ingest updates it first, conditioned on the
 * version read, so concurrent batches queue on that row (PostgreSQL) or on the write lock (SQLite)
 * and all but the first find the version moved. Window rows are then read, merged in Java and
 * written back inside that transaction.
 */
final class JdbiMonitorRepository implements MonitorRepository {
  private static final String CONFIG_COLUMNS =
      "deployment, project_id, window_millis, segment_column, reference_version_id, enabled,"
          + " updated_at, updated_by";
  private static final String WINDOW_COLUMNS =
      "deployment, model_version, segment, window_start, window_end, rows_count, failed_requests,"
          + " sketch, updated_at";
  private static final String POINT_COLUMNS =
      "deployment, model_version, segment, window_start, window_end, metric, column_name, value,"
          + " count, lower_bound, upper_bound";

  private final Database database;

  JdbiMonitorRepository(Database database) {
    this.database = requireNonNull(database, "database is null");
  }

  @Override
  public List<MonitorConfig> all() {
    return database.read(
        handle -> {
          Map<String, MonitorConfig> configs = new LinkedHashMap<>();
          handle
              .createQuery(
                  "SELECT name, project_id FROM deployments UNION"
                      + " SELECT name, project_id FROM external_deployments ORDER BY name")
              .map((rs, ctx) -> MonitorConfig.defaults(rs.getString(1), rs.getString(2)))
              .forEach(c -> configs.put(c.deployment(), c));
          handle
              .createQuery("SELECT " + CONFIG_COLUMNS + " FROM monitors")
              .map((rs, ctx) -> config(rs))
              .forEach(
                  c -> {
                    MonitorConfig known = configs.get(c.deployment());
                    if (known != null && known.projectId().equals(c.projectId())) {
                      configs.put(c.deployment(), c);
                    }
                  });
          return List.copyOf(configs.values());
        });
  }

  @Override
  public Optional<MonitorConfig> config(String deployment) {
    requireNonNull(deployment, "deployment is null");
    return database.read(handle -> config(handle, deployment));
  }

  private static Optional<MonitorConfig> config(Handle handle, String deployment) {
    Optional<String> project =
        handle
            .createQuery(
                "SELECT project_id FROM deployments WHERE name = :name UNION"
                    + " SELECT project_id FROM external_deployments WHERE name = :name")
            .bind("name", deployment)
            .mapTo(String.class)
            .findFirst();
    if (project.isEmpty()) {
      return Optional.empty();
    }
    Optional<MonitorConfig> stored =
        handle
            .createQuery("SELECT " + CONFIG_COLUMNS + " FROM monitors WHERE deployment = :name")
            .bind("name", deployment)
            .map((rs, ctx) -> config(rs))
            .findOne()
            .filter(c -> c.projectId().equals(project.get()));
    return Optional.of(stored.orElseGet(() -> MonitorConfig.defaults(deployment, project.get())));
  }

  private static MonitorConfig config(ResultSet rs) throws SQLException {
    return new MonitorConfig(
        rs.getString("deployment"),
        rs.getString("project_id"),
        Duration.ofMillis(rs.getLong("window_millis")),
        Optional.ofNullable(rs.getString("segment_column")),
        Optional.ofNullable(rs.getString("reference_version_id")),
        rs.getBoolean("enabled"),
        Instant.ofEpochMilli(rs.getLong("updated_at")),
        rs.getString("updated_by"));
  }

  @Override
  public MonitorConfig configure(MonitorConfig config, String actor) {
    requireNonNull(config, "config is null");
    requireNonNull(actor, "actor is null");
    return database.write(
        handle -> {
          Instant now = database.now();
          MonitorConfig stored =
              new MonitorConfig(
                  config.deployment(),
                  config.projectId(),
                  config.window(),
                  config.segmentColumn(),
                  config.referenceVersionId(),
                  config.enabled(),
                  now,
                  actor);
          handle
              .createUpdate(
                  "INSERT INTO monitors ("
                      + CONFIG_COLUMNS
                      + ") VALUES (:deployment, :project, :window, :segment, :reference, :enabled,"
                      + " :at, :by) ON CONFLICT (deployment) DO UPDATE SET"
                      + " project_id = excluded.project_id, window_millis = excluded.window_millis,"
                      + " segment_column = excluded.segment_column,"
                      + " reference_version_id = excluded.reference_version_id,"
                      + " enabled = excluded.enabled, updated_at = excluded.updated_at,"
                      + " updated_by = excluded.updated_by")
              .bind("deployment", stored.deployment())
              .bind("project", stored.projectId())
              .bind("window", stored.window().toMillis())
              .bind("segment", stored.segmentColumn().orElse(null))
              .bind("reference", stored.referenceVersionId().orElse(null))
              .bind("enabled", stored.enabled())
              .bind("at", now.toEpochMilli())
              .bind("by", actor)
              .execute();
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("window", stored.window().toString());
          details.put("segmentColumn", stored.segmentColumn().orElse(""));
          details.put("referenceVersionId", stored.referenceVersionId().orElse(""));
          details.put("enabled", stored.enabled());
          AuditWriter.append(
              handle,
              now,
              actor,
              "monitor.configure",
              stored.projectId(),
              "deployment/" + stored.deployment(),
              details);
          return stored;
        });
  }

  @Override
  public MonitorCursor cursor(String deployment) {
    requireNonNull(deployment, "deployment is null");
    Optional<MonitorCursor> found = database.read(handle -> findCursor(handle, deployment));
    if (found.isPresent()) {
      return found.get();
    }
    return database.write(
        handle -> {
          handle
              .createUpdate(
                  "INSERT INTO monitor_cursors (deployment, version, position_micros,"
                      + " position_id, feedback_millis, feedback_id, feedback_name)"
                      + " VALUES (:deployment, 0, 0, '', 0, '', '')"
                      + " ON CONFLICT (deployment) DO NOTHING")
              .bind("deployment", deployment)
              .execute();
          return findCursor(handle, deployment).orElseThrow();
        });
  }

  private static Optional<MonitorCursor> findCursor(Handle handle, String deployment) {
    return handle
        .createQuery("SELECT * FROM monitor_cursors WHERE deployment = :deployment")
        .bind("deployment", deployment)
        .map(
            (rs, ctx) ->
                new MonitorCursor(
                    rs.getString("deployment"),
                    rs.getLong("version"),
                    new Position(
                        micros(rs.getLong("position_micros")), rs.getString("position_id")),
                    new FeedbackPosition(
                        Instant.ofEpochMilli(rs.getLong("feedback_millis")),
                        rs.getString("feedback_id"),
                        rs.getString("feedback_name")),
                    optionalInstant(rs, "last_run_at"),
                    Optional.ofNullable(rs.getString("last_error")),
                    optionalInstant(rs, "last_error_at"),
                    rs.getLong("errors")))
        .findOne();
  }

  @Override
  public boolean ingest(IngestBatch batch, BinaryOperator<byte[]> merge) {
    requireNonNull(batch, "batch is null");
    requireNonNull(merge, "merge is null");
    return database.write(
        handle -> {
          StringBuilder set = new StringBuilder("version = version + 1");
          batch
              .position()
              .ifPresent(p -> set.append(", position_micros = :pm, position_id = :pid"));
          batch
              .feedback()
              .ifPresent(
                  f ->
                      set.append(
                          ", feedback_millis = :fm, feedback_id = :fid, feedback_name = :fn"));
          var update =
              handle
                  .createUpdate(
                      "UPDATE monitor_cursors SET "
                          + set
                          + " WHERE deployment = :deployment AND version = :seen")
                  .bind("deployment", batch.deployment())
                  .bind("seen", batch.seenVersion());
          batch
              .position()
              .ifPresent(p -> update.bind("pm", toMicros(p.time())).bind("pid", p.predictionId()));
          batch
              .feedback()
              .ifPresent(
                  f ->
                      update
                          .bind("fm", f.receivedAt().toEpochMilli())
                          .bind("fid", f.predictionId())
                          .bind("fn", f.name()));
          if (update.execute() == 0) {
            return false;
          }
          Instant now = database.now();
          for (WindowChange change : batch.windows()) {
            merge(handle, change, merge, now);
          }
          return true;
        });
  }

  private static void merge(
      Handle handle, WindowChange change, BinaryOperator<byte[]> merge, Instant now) {
    WindowKey key = change.key();
    Optional<MonitorWindow> stored = findWindow(handle, key);
    if (stored.isEmpty()) {
      handle
          .createUpdate(
              "INSERT INTO monitor_windows ("
                  + WINDOW_COLUMNS
                  + ") VALUES (:deployment, :version, :segment, :start, :end, :rows, :failed,"
                  + " :sketch, :at)")
          .bind("deployment", key.deployment())
          .bind("version", key.modelVersion())
          .bind("segment", key.segment())
          .bind("start", key.start().toEpochMilli())
          .bind("end", change.end().toEpochMilli())
          .bind("rows", change.rows())
          .bind("failed", change.failedRequests())
          .bind("sketch", change.sketch().orElse(null))
          .bind("at", now.toEpochMilli())
          .execute();
      return;
    }
    Optional<byte[]> sketch = stored.get().sketch();
    if (change.sketch().isPresent()) {
      sketch =
          Optional.of(
              sketch.isPresent()
                  ? merge.apply(sketch.get(), change.sketch().get())
                  : change.sketch().get());
    }
    handle
        .createUpdate(
            "UPDATE monitor_windows SET rows_count = rows_count + :rows,"
                + " failed_requests = failed_requests + :failed, sketch = :sketch,"
                + " updated_at = :at WHERE deployment = :deployment AND model_version = :version"
                + " AND segment = :segment AND window_start = :start")
        .bind("deployment", key.deployment())
        .bind("version", key.modelVersion())
        .bind("segment", key.segment())
        .bind("start", key.start().toEpochMilli())
        .bind("rows", change.rows())
        .bind("failed", change.failedRequests())
        .bind("sketch", sketch.orElse(null))
        .bind("at", now.toEpochMilli())
        .execute();
  }

  private static Optional<MonitorWindow> findWindow(Handle handle, WindowKey key) {
    return handle
        .createQuery(
            "SELECT "
                + WINDOW_COLUMNS
                + " FROM monitor_windows WHERE deployment = :deployment"
                + " AND model_version = :version AND segment = :segment AND window_start = :start")
        .bind("deployment", key.deployment())
        .bind("version", key.modelVersion())
        .bind("segment", key.segment())
        .bind("start", key.start().toEpochMilli())
        .map((rs, ctx) -> window(rs))
        .findOne();
  }

  private static MonitorWindow window(ResultSet rs) throws SQLException {
    return new MonitorWindow(
        new WindowKey(
            rs.getString("deployment"),
            rs.getString("model_version"),
            rs.getString("segment"),
            Instant.ofEpochMilli(rs.getLong("window_start"))),
        Instant.ofEpochMilli(rs.getLong("window_end")),
        rs.getLong("rows_count"),
        rs.getLong("failed_requests"),
        Optional.ofNullable(rs.getBytes("sketch")),
        Instant.ofEpochMilli(rs.getLong("updated_at")));
  }

  @Override
  public void recordRun(String deployment, Instant at, Optional<String> error) {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(at, "at is null");
    requireNonNull(error, "error is null");
    cursor(deployment);
    database.write(
        handle ->
            handle
                .createUpdate(
                    error.isPresent()
                        ? "UPDATE monitor_cursors SET last_run_at = :at, last_error = :error,"
                            + " last_error_at = :at, errors = errors + 1"
                            + " WHERE deployment = :deployment"
                        : "UPDATE monitor_cursors SET last_run_at = :at, last_error = NULL"
                            + " WHERE deployment = :deployment")
                .bind("deployment", deployment)
                .bind("at", at.toEpochMilli())
                .bind("error", error.map(JdbiMonitorRepository::abbreviate).orElse(null))
                .execute());
  }

  private static String abbreviate(String message) {
    return message.length() <= 4000 ? message : message.substring(0, 4000) + "...";
  }

  @Override
  public List<MonitorWindow> windows(
      String deployment,
      Optional<String> modelVersion,
      Optional<String> segment,
      Instant from,
      Instant to,
      boolean sketches) {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(modelVersion, "modelVersion is null");
    requireNonNull(segment, "segment is null");
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(
                sketches ? WINDOW_COLUMNS : WINDOW_COLUMNS.replace(" sketch,", " NULL AS sketch,"))
            .append(
                " FROM monitor_windows WHERE deployment = :deployment AND window_start >= :from"
                    + " AND window_start < :to");
    modelVersion.ifPresent(v -> sql.append(" AND model_version = :version"));
    segment.ifPresent(s -> sql.append(" AND segment = :segment"));
    sql.append(" ORDER BY window_start, model_version, segment");
    return database.read(
        handle -> {
          Query query =
              handle
                  .createQuery(sql.toString())
                  .bind("deployment", deployment)
                  .bind("from", from.toEpochMilli())
                  .bind("to", to.toEpochMilli());
          modelVersion.ifPresent(v -> query.bind("version", v));
          segment.ifPresent(s -> query.bind("segment", s));
          return query.map((rs, ctx) -> window(rs)).list();
        });
  }

  @Override
  public long windowCount(String deployment) {
    requireNonNull(deployment, "deployment is null");
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT COUNT(*) FROM monitor_windows WHERE deployment = :deployment"
                        + " AND model_version = '*' AND segment = ''")
                .bind("deployment", deployment)
                .mapTo(Long.class)
                .one());
  }

  @Override
  public void savePoints(List<MetricPoint> points) {
    requireNonNull(points, "points is null");
    if (points.isEmpty()) {
      return;
    }
    database.write(
        handle -> {
          long now = database.now().toEpochMilli();
          var batch =
              handle.prepareBatch(
                  "INSERT INTO monitor_points ("
                      + POINT_COLUMNS
                      + ", updated_at) VALUES (:deployment, :version, :segment, :start, :end,"
                      + " :metric, :column, :value, :count, :lower, :upper, :at)"
                      + " ON CONFLICT (deployment, model_version, segment, window_start, metric,"
                      + " column_name) DO UPDATE SET window_end = excluded.window_end,"
                      + " value = excluded.value, count = excluded.count,"
                      + " lower_bound = excluded.lower_bound, upper_bound = excluded.upper_bound,"
                      + " updated_at = excluded.updated_at");
          for (MetricPoint p : points) {
            batch
                .bind("deployment", p.deployment())
                .bind("version", p.modelVersion())
                .bind("segment", p.segment())
                .bind("start", p.windowStart().toEpochMilli())
                .bind("end", p.windowEnd().toEpochMilli())
                .bind("metric", p.metric().label())
                .bind("column", p.column())
                .bind("value", p.value())
                .bind("count", p.count())
                .bind("lower", p.lower().isPresent() ? p.lower().getAsDouble() : null)
                .bind("upper", p.upper().isPresent() ? p.upper().getAsDouble() : null)
                .bind("at", now)
                .add();
          }
          batch.execute();
          return null;
        });
  }

  @Override
  public List<MetricPoint> points(PointQuery query) {
    requireNonNull(query, "query is null");
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(POINT_COLUMNS)
            .append(
                " FROM monitor_points WHERE deployment = :deployment AND window_start >= :from"
                    + " AND window_start < :to");
    query.metric().ifPresent(m -> sql.append(" AND metric = :metric"));
    query.column().ifPresent(c -> sql.append(" AND column_name = :column"));
    query.modelVersion().ifPresent(v -> sql.append(" AND model_version = :version"));
    query.segment().ifPresent(s -> sql.append(" AND segment = :segment"));
    String direction = query.newestFirst() ? " DESC" : "";
    sql.append(" ORDER BY window_start")
        .append(direction)
        .append(", model_version, segment, metric, column_name LIMIT :limit");
    return database.read(
        handle -> {
          Query q =
              handle
                  .createQuery(sql.toString())
                  .bind("deployment", query.deployment())
                  .bind("from", query.from().toEpochMilli())
                  .bind("to", query.to().toEpochMilli())
                  .bind("limit", query.limit());
          query.metric().ifPresent(m -> q.bind("metric", m.label()));
          query.column().ifPresent(c -> q.bind("column", c));
          query.modelVersion().ifPresent(v -> q.bind("version", v));
          query.segment().ifPresent(s -> q.bind("segment", s));
          List<MetricPoint> points = new ArrayList<>();
          q.map((rs, ctx) -> point(rs)).forEach(p -> p.ifPresent(points::add));
          return points;
        });
  }

  /* A metric a newer Tend stored and this one does not know is left out. */
  private static Optional<MetricPoint> point(ResultSet rs) throws SQLException {
    Optional<MonitorMetric> metric = MonitorMetric.parse(rs.getString("metric"));
    if (metric.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new MetricPoint(
            rs.getString("deployment"),
            rs.getString("model_version"),
            rs.getString("segment"),
            Instant.ofEpochMilli(rs.getLong("window_start")),
            Instant.ofEpochMilli(rs.getLong("window_end")),
            metric.get(),
            rs.getString("column_name"),
            rs.getDouble("value"),
            rs.getLong("count"),
            optionalDouble(rs, "lower_bound"),
            optionalDouble(rs, "upper_bound")));
  }

  @Override
  public List<FeedbackArrival> feedbackAfter(
      String deployment, FeedbackPosition after, Instant before, int limit) {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(after, "after is null");
    requireNonNull(before, "before is null");
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT prediction_id, name, received_at FROM feedback"
                        + " WHERE deployment = :deployment AND received_at < :before"
                        + " AND (received_at > :at OR (received_at = :at AND (prediction_id > :id"
                        + " OR (prediction_id = :id AND name > :name))))"
                        + " ORDER BY received_at, prediction_id, name LIMIT :limit")
                .bind("deployment", deployment)
                .bind("before", before.toEpochMilli())
                .bind("at", after.receivedAt().toEpochMilli())
                .bind("id", after.predictionId())
                .bind("name", after.name())
                .bind("limit", limit)
                .map(
                    (rs, ctx) ->
                        new FeedbackArrival(
                            rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))))
                .list());
  }

  private static Optional<Instant> optionalInstant(ResultSet rs, String column)
      throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
  }

  private static OptionalDouble optionalDouble(ResultSet rs, String column) throws SQLException {
    double value = rs.getDouble(column);
    return rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  private static Instant micros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  private static long toMicros(Instant at) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, at);
  }
}
