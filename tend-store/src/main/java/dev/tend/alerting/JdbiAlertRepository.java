package dev.tend.alerting;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.alert.AlertState;
import dev.tend.alert.SeriesState;
import dev.tend.store.ConflictException;
import dev.tend.store.Database;
import dev.tend.store.Ids;
import dev.tend.store.NotFoundException;
import dev.tend.store.internal.AuditWriter;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/*
 * A series move starts with its compare-and-set (an UPDATE on seq, or the INSERT of the first
 * state, which the primary key makes unique), so a lost race writes nothing. The INSERT losing,
 * or an alert opening while another is open for the fingerprint, or an incident opening while
 * another server opened one for the deployment, fail as unique violations: the whole transaction
 * rolls back and the move reports that it lost. Timeline entries are numbered from the incident's
 * last_seq, whose increment locks the incident's row.
 */
final class JdbiAlertRepository implements AlertRepository {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {};
  private static final TypeReference<List<String>> CHANNELS = new TypeReference<>() {};
  private static final String RULE_COLUMNS =
      "project_id, name, source, source_type, rule_json, enabled, version, created_at,"
          + " created_by, updated_at, updated_by";
  private static final String ALERT_COLUMNS =
      "id, project_id, fingerprint, rule_name, deployment, model_version, segment, column_name,"
          + " metric, severity, labels_json, summary, description, channels_json, state, onset,"
          + " fired_at, acknowledged_at, acknowledged_by, resolved_at, last_value,"
          + " last_window_end, repeat_millis, last_sent_at, incident_id, root_cause";
  private static final String INCIDENT_COLUMNS =
      "id, project_id, deployment, title, severity, opened_at, resolved_at";
  private static final List<String> SEVERITIES = List.of("info", "warning", "critical");

  private final Database database;

  JdbiAlertRepository(Database database) {
    this.database = requireNonNull(database, "database is null");
  }

  // ---------------------------------------------------------------- rules

  @Override
  public Put putRule(
      String projectId,
      String name,
      String source,
      String sourceType,
      String ruleJson,
      String actor) {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(name, "name is null");
    requireNonNull(source, "source is null");
    requireNonNull(sourceType, "sourceType is null");
    requireNonNull(ruleJson, "ruleJson is null");
    requireNonNull(actor, "actor is null");
    return database.write(
        handle -> {
          Instant now = database.now();
          Optional<StoredRule> before = findRule(handle, projectId, name);
          if (before.isPresent()
              && before.get().source().equals(source)
              && before.get().sourceType().equals(sourceType)) {
            return new Put(before.get(), PutResult.UNCHANGED);
          }
          if (before.isEmpty()) {
            handle
                .createUpdate(
                    "INSERT INTO alert_rules ("
                        + RULE_COLUMNS
                        + ") VALUES (:project, :name, :source, :type, :json, :enabled, 1, :at,"
                        + " :by, :at, :by)")
                .bind("project", projectId)
                .bind("name", name)
                .bind("source", source)
                .bind("type", sourceType)
                .bind("json", ruleJson)
                .bind("enabled", true)
                .bind("at", now.toEpochMilli())
                .bind("by", actor)
                .execute();
          } else {
            handle
                .createUpdate(
                    "UPDATE alert_rules SET source = :source, source_type = :type,"
                        + " rule_json = :json, version = version + 1, updated_at = :at,"
                        + " updated_by = :by WHERE project_id = :project AND name = :name")
                .bind("project", projectId)
                .bind("name", name)
                .bind("source", source)
                .bind("type", sourceType)
                .bind("json", ruleJson)
                .bind("at", now.toEpochMilli())
                .bind("by", actor)
                .execute();
          }
          AuditWriter.append(
              handle,
              now,
              actor,
              before.isEmpty() ? "alert-rule.create" : "alert-rule.update",
              projectId,
              "alert-rule/" + name,
              Map.of());
          return new Put(
              findRule(handle, projectId, name).orElseThrow(),
              before.isEmpty() ? PutResult.CREATED : PutResult.UPDATED);
        });
  }

  @Override
  public Optional<StoredRule> rule(String projectId, String name) {
    return database.read(handle -> findRule(handle, projectId, name));
  }

  @Override
  public List<StoredRule> rules(String projectId) {
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + RULE_COLUMNS
                        + " FROM alert_rules WHERE project_id = :project ORDER BY name")
                .bind("project", projectId)
                .map((rs, ctx) -> ruleRow(rs))
                .list());
  }

  private static Optional<StoredRule> findRule(Handle handle, String projectId, String name) {
    return handle
        .createQuery(
            "SELECT "
                + RULE_COLUMNS
                + " FROM alert_rules WHERE project_id = :project AND name = :name")
        .bind("project", projectId)
        .bind("name", name)
        .map((rs, ctx) -> ruleRow(rs))
        .findOne();
  }

  private static StoredRule ruleRow(ResultSet rs) throws SQLException {
    return new StoredRule(
        rs.getString("project_id"),
        rs.getString("name"),
        rs.getString("source"),
        rs.getString("source_type"),
        rs.getString("rule_json"),
        rs.getBoolean("enabled"),
        rs.getInt("version"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        rs.getString("created_by"),
        Instant.ofEpochMilli(rs.getLong("updated_at")),
        rs.getString("updated_by"));
  }

  @Override
  public List<Alert> deleteRule(String projectId, String name, String actor) {
    requireNonNull(actor, "actor is null");
    return database.write(
        handle -> {
          if (findRule(handle, projectId, name).isEmpty()) {
            throw new NotFoundException("no alert rule named '" + name + "'");
          }
          Instant now = database.now();
          List<Alert> open =
              handle
                  .createQuery(
                      "SELECT "
                          + ALERT_COLUMNS
                          + " FROM alerts WHERE project_id = :project AND rule_name = :name"
                          + " AND resolved_at IS NULL ORDER BY id")
                  .bind("project", projectId)
                  .bind("name", name)
                  .map((rs, ctx) -> alertRow(rs))
                  .list();
          List<Alert> resolved = new ArrayList<>();
          for (Alert alert : open) {
            resolved.add(
                resolveAlert(
                    handle,
                    alert,
                    alert.lastValue(),
                    alert.lastWindowEnd(),
                    now,
                    "rule " + name + " was deleted",
                    actor));
            resolveIncidentIfDone(handle, alert.incidentId(), now);
          }
          handle
              .createUpdate(
                  "DELETE FROM alert_series WHERE project_id = :project AND rule_name = :n")
              .bind("project", projectId)
              .bind("n", name)
              .execute();
          handle
              .createUpdate("DELETE FROM alert_rules WHERE project_id = :project AND name = :n")
              .bind("project", projectId)
              .bind("n", name)
              .execute();
          AuditWriter.append(
              handle, now, actor, "alert-rule.delete", projectId, "alert-rule/" + name, Map.of());
          return resolved;
        });
  }

  // ---------------------------------------------------------------- series

  @Override
  public Optional<StoredSeries> series(String projectId, String fingerprint) {
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT fingerprint, rule_name, state, breaches, onset, last_window_end, seq"
                        + " FROM alert_series WHERE project_id = :project"
                        + " AND fingerprint = :fingerprint")
                .bind("project", projectId)
                .bind("fingerprint", fingerprint)
                .map(
                    (rs, ctx) ->
                        new StoredSeries(
                            rs.getString("fingerprint"),
                            rs.getString("rule_name"),
                            new SeriesState(
                                AlertState.parse(rs.getString("state")).orElseThrow(),
                                rs.getInt("breaches"),
                                optionalInstant(rs, "onset"),
                                optionalInstant(rs, "last_window_end"),
                                false),
                            rs.getLong("seq")))
                .findOne());
  }

  @Override
  public Optional<Moved> move(SeriesMove move, Instant when) {
    requireNonNull(move, "move is null");
    Instant now = when.truncatedTo(ChronoUnit.MILLIS);
    try {
      return database.write(handle -> moveIn(handle, move, now));
    } catch (ConflictException e) {
      return Optional.empty();
    }
  }

  private Optional<Moved> moveIn(Handle handle, SeriesMove move, Instant now) {
    SeriesState next = move.next();
    Long onset = next.onset().map(Instant::toEpochMilli).orElse(null);
    Long windowEnd = next.lastWindowEnd().map(Instant::toEpochMilli).orElse(null);
    if (move.expectedSeq().isEmpty()) {
      handle
          .createUpdate(
              "INSERT INTO alert_series (project_id, fingerprint, rule_name, state, breaches,"
                  + " onset, last_window_end, seq, updated_at) VALUES (:project, :fingerprint,"
                  + " :rule, :state, :breaches, :onset, :windowEnd, 1, :at)")
          .bind("project", move.projectId())
          .bind("fingerprint", move.fingerprint())
          .bind("rule", move.rule())
          .bind("state", next.state().label())
          .bind("breaches", next.breaches())
          .bind("onset", onset)
          .bind("windowEnd", windowEnd)
          .bind("at", now.toEpochMilli())
          .execute();
    } else {
      int updated =
          handle
              .createUpdate(
                  "UPDATE alert_series SET state = :state, breaches = :breaches, onset = :onset,"
                      + " last_window_end = :windowEnd, seq = seq + 1, updated_at = :at,"
                      + " rule_name = :rule WHERE project_id = :project"
                      + " AND fingerprint = :fingerprint AND seq = :seq")
              .bind("project", move.projectId())
              .bind("fingerprint", move.fingerprint())
              .bind("rule", move.rule())
              .bind("state", next.state().label())
              .bind("breaches", next.breaches())
              .bind("onset", onset)
              .bind("windowEnd", windowEnd)
              .bind("at", now.toEpochMilli())
              .bind("seq", move.expectedSeq().getAsLong())
              .execute();
      if (updated == 0) {
        return Optional.empty();
      }
    }
    Optional<Alert> open = openAlert(handle, move.projectId(), move.fingerprint());
    if (move.fire().isPresent()) {
      NewAlert fire = move.fire().get();
      if (open.isPresent()) {
        // Left open by a rule changed while it fired: it goes on as this alert.
        return Optional.of(
            new Moved(open, incident(handle, open.get().incidentId()), false, false));
      }
      Optional<Incident> existing = openIncident(handle, move.projectId(), fire.deployment());
      boolean opened = existing.isEmpty();
      String incidentId = existing.map(Incident::id).orElseGet(Ids::next);
      if (opened) {
        handle
            .createUpdate(
                "INSERT INTO incidents (id, project_id, deployment, title, severity, opened_at)"
                    + " VALUES (:id, :project, :deployment, :title, :severity, :at)")
            .bind("id", incidentId)
            .bind("project", move.projectId())
            .bind("deployment", fire.deployment())
            .bind("title", fire.summary())
            .bind("severity", fire.severity())
            .bind("at", now.toEpochMilli())
            .execute();
        append(
            handle,
            incidentId,
            IncidentEvent.Kind.INCIDENT_OPENED,
            Optional.empty(),
            "opened by rule " + fire.rule() + " on " + fire.deployment(),
            "alerting",
            now);
      } else if (SEVERITIES.indexOf(fire.severity())
          > SEVERITIES.indexOf(existing.get().severity())) {
        handle
            .createUpdate("UPDATE incidents SET severity = :severity WHERE id = :id")
            .bind("severity", fire.severity())
            .bind("id", incidentId)
            .execute();
      }
      String alertId = Ids.next();
      handle
          .createUpdate(
              "INSERT INTO alerts ("
                  + ALERT_COLUMNS
                  + ") VALUES (:id, :project, :fingerprint, :rule, :deployment, :version,"
                  + " :segment, :column, :metric, :severity, :labels, :summary, :description,"
                  + " :channels, 'firing', :onset, :at, NULL, NULL, NULL, :value, :windowEnd,"
                  + " :repeat, :at, :incident, :rootCause)")
          .bind("id", alertId)
          .bind("project", move.projectId())
          .bind("fingerprint", fire.fingerprint())
          .bind("rule", fire.rule())
          .bind("deployment", fire.deployment())
          .bind("version", fire.modelVersion())
          .bind("segment", fire.segment())
          .bind("column", fire.column())
          .bind("metric", fire.metric())
          .bind("severity", fire.severity())
          .bind("labels", json(fire.labels()))
          .bind("summary", fire.summary())
          .bind("description", fire.description())
          .bind("channels", json(fire.channels()))
          .bind("onset", fire.onset().toEpochMilli())
          .bind("at", now.toEpochMilli())
          .bind("value", fire.value())
          .bind("windowEnd", fire.windowEnd().toEpochMilli())
          .bind("repeat", fire.repeatInterval().toMillis())
          .bind("incident", incidentId)
          .bind("rootCause", fire.rootCause().orElse(null))
          .execute();
      append(
          handle,
          incidentId,
          IncidentEvent.Kind.ALERT_FIRED,
          Optional.of(alertId),
          fire.summary(),
          "alerting",
          now);
      return Optional.of(
          new Moved(
              findAlert(handle, move.projectId(), alertId),
              incident(handle, incidentId),
              opened,
              false));
    }
    if (open.isEmpty()) {
      return Optional.of(new Moved(Optional.empty(), Optional.empty(), false, false));
    }
    Alert alert = open.get();
    if (move.resolve()) {
      Alert resolved =
          resolveAlert(
              handle,
              alert,
              move.value(),
              move.windowEnd(),
              now,
              "the condition no longer holds",
              "alerting");
      boolean incidentResolved = resolveIncidentIfDone(handle, alert.incidentId(), now);
      return Optional.of(
          new Moved(
              Optional.of(resolved),
              incident(handle, alert.incidentId()),
              false,
              incidentResolved));
    }
    handle
        .createUpdate(
            "UPDATE alerts SET last_value = :value, last_window_end = :windowEnd WHERE id = :id")
        .bind("value", move.value())
        .bind("windowEnd", move.windowEnd().toEpochMilli())
        .bind("id", alert.id())
        .execute();
    return Optional.of(
        new Moved(
            findAlert(handle, move.projectId(), alert.id()),
            incident(handle, alert.incidentId()),
            false,
            false));
  }

  private Alert resolveAlert(
      Handle handle,
      Alert alert,
      double value,
      Instant windowEnd,
      Instant now,
      String why,
      String actor) {
    handle
        .createUpdate(
            "UPDATE alerts SET state = 'resolved', resolved_at = :at, last_value = :value,"
                + " last_window_end = :windowEnd WHERE id = :id")
        .bind("at", now.toEpochMilli())
        .bind("value", value)
        .bind("windowEnd", windowEnd.toEpochMilli())
        .bind("id", alert.id())
        .execute();
    append(
        handle,
        alert.incidentId(),
        IncidentEvent.Kind.ALERT_RESOLVED,
        Optional.of(alert.id()),
        "rule " + alert.rule() + " resolved: " + why,
        actor,
        now);
    return findAlert(handle, alert.projectId(), alert.id()).orElseThrow();
  }

  private boolean resolveIncidentIfDone(Handle handle, String incidentId, Instant now) {
    long open =
        handle
            .createQuery(
                "SELECT COUNT(*) FROM alerts WHERE incident_id = :id AND resolved_at IS NULL")
            .bind("id", incidentId)
            .mapTo(Long.class)
            .one();
    if (open > 0) {
      return false;
    }
    int updated =
        handle
            .createUpdate(
                "UPDATE incidents SET resolved_at = :at WHERE id = :id AND resolved_at IS NULL")
            .bind("at", now.toEpochMilli())
            .bind("id", incidentId)
            .execute();
    if (updated == 0) {
      return false;
    }
    append(
        handle,
        incidentId,
        IncidentEvent.Kind.INCIDENT_RESOLVED,
        Optional.empty(),
        "every alert of the incident resolved",
        "alerting",
        now);
    return true;
  }

  // ---------------------------------------------------------------- acknowledgements, repeats

  @Override
  public Acknowledged acknowledge(String projectId, String alertId, String actor, Instant when) {
    requireNonNull(actor, "actor is null");
    Instant now = when.truncatedTo(ChronoUnit.MILLIS);
    return database.write(
        handle -> {
          Alert alert =
              findAlert(handle, projectId, alertId)
                  .orElseThrow(
                      () -> new NotFoundException("no alert with the id '" + alertId + "'"));
          if (!alert.open()) {
            throw new ConflictException(
                "alert " + alertId + " resolved at " + alert.resolvedAt().get() + "; it is closed");
          }
          if (alert.acknowledgedAt().isPresent()) {
            return new Acknowledged(alert, false);
          }
          int updated =
              handle
                  .createUpdate(
                      "UPDATE alerts SET acknowledged_at = :at, acknowledged_by = :by"
                          + " WHERE id = :id AND acknowledged_at IS NULL AND resolved_at IS NULL")
                  .bind("at", now.toEpochMilli())
                  .bind("by", actor)
                  .bind("id", alertId)
                  .execute();
          if (updated == 0) {
            throw new ConflictException("alert " + alertId + " changed meanwhile; try again");
          }
          append(
              handle,
              alert.incidentId(),
              IncidentEvent.Kind.ALERT_ACKNOWLEDGED,
              Optional.of(alertId),
              "acknowledged by " + actor,
              actor,
              now);
          return new Acknowledged(findAlert(handle, projectId, alertId).orElseThrow(), true);
        });
  }

  @Override
  public List<Alert> dueForRepeat(Instant now) {
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + ALERT_COLUMNS
                        + " FROM alerts WHERE resolved_at IS NULL"
                        + " AND last_sent_at + repeat_millis <= :now ORDER BY id")
                .bind("now", now.toEpochMilli())
                .map((rs, ctx) -> alertRow(rs))
                .list());
  }

  @Override
  public List<OpenCount> openCounts() {
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT p.name AS project, a.rule_name, a.severity, COUNT(*) AS open_count"
                        + " FROM alerts a JOIN projects p ON p.id = a.project_id"
                        + " WHERE a.resolved_at IS NULL"
                        + " GROUP BY p.name, a.rule_name, a.severity"
                        + " ORDER BY p.name, a.rule_name, a.severity")
                .map(
                    (rs, ctx) ->
                        new OpenCount(
                            rs.getString("project"),
                            rs.getString("rule_name"),
                            rs.getString("severity"),
                            rs.getInt("open_count")))
                .list());
  }

  @Override
  public boolean markRepeated(String alertId, Instant lastSentAt, Instant when) {
    Instant now = when.truncatedTo(ChronoUnit.MILLIS);
    return database.write(
        handle -> {
          int updated =
              handle
                  .createUpdate(
                      "UPDATE alerts SET last_sent_at = :now WHERE id = :id"
                          + " AND last_sent_at = :before AND resolved_at IS NULL")
                  .bind("now", now.toEpochMilli())
                  .bind("id", alertId)
                  .bind("before", lastSentAt.toEpochMilli())
                  .execute();
          if (updated == 0) {
            return false;
          }
          String incidentId =
              handle
                  .createQuery("SELECT incident_id FROM alerts WHERE id = :id")
                  .bind("id", alertId)
                  .mapTo(String.class)
                  .one();
          append(
              handle,
              incidentId,
              IncidentEvent.Kind.ALERT_REPEATED,
              Optional.of(alertId),
              "still firing; sent again",
              "alerting",
              now);
          return true;
        });
  }

  @Override
  public IncidentEvent appendEvent(
      String incidentId,
      IncidentEvent.Kind kind,
      Optional<String> alertId,
      String detail,
      String actor,
      Instant when) {
    Instant now = when.truncatedTo(ChronoUnit.MILLIS);
    return database.write(handle -> append(handle, incidentId, kind, alertId, detail, actor, now));
  }

  private static IncidentEvent append(
      Handle handle,
      String incidentId,
      IncidentEvent.Kind kind,
      Optional<String> alertId,
      String detail,
      String actor,
      Instant now) {
    int updated =
        handle
            .createUpdate("UPDATE incidents SET last_seq = last_seq + 1 WHERE id = :id")
            .bind("id", incidentId)
            .execute();
    if (updated == 0) {
      throw new NotFoundException("no incident with the id '" + incidentId + "'");
    }
    int seq =
        handle
            .createQuery("SELECT last_seq FROM incidents WHERE id = :id")
            .bind("id", incidentId)
            .mapTo(Integer.class)
            .one();
    handle
        .createUpdate(
            "INSERT INTO incident_events (incident_id, seq, kind, alert_id, detail, actor,"
                + " created_at) VALUES (:incident, :seq, :kind, :alert, :detail, :actor, :at)")
        .bind("incident", incidentId)
        .bind("seq", seq)
        .bind("kind", kind.wireName())
        .bind("alert", alertId.orElse(null))
        .bind("detail", detail)
        .bind("actor", actor)
        .bind("at", now.toEpochMilli())
        .execute();
    return new IncidentEvent(incidentId, seq, kind, alertId, detail, actor, now);
  }

  // ---------------------------------------------------------------- queries

  @Override
  public List<Alert> alerts(String projectId, Optional<String> state, int limit) {
    String where =
        switch (state.orElse("")) {
          case "" -> "";
          case Alert.FIRING -> " AND resolved_at IS NULL AND acknowledged_at IS NULL";
          case Alert.ACKNOWLEDGED -> " AND resolved_at IS NULL AND acknowledged_at IS NOT NULL";
          case Alert.RESOLVED -> " AND resolved_at IS NOT NULL";
          default -> throw new IllegalArgumentException("unknown alert state " + state.get());
        };
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + ALERT_COLUMNS
                        + " FROM alerts WHERE project_id = :project"
                        + where
                        + " ORDER BY id DESC LIMIT :limit")
                .bind("project", projectId)
                .bind("limit", limit)
                .map((rs, ctx) -> alertRow(rs))
                .list());
  }

  @Override
  public Optional<Alert> alert(String projectId, String alertId) {
    return database.read(handle -> findAlert(handle, projectId, alertId));
  }

  @Override
  public Optional<Alert> alertById(String alertId) {
    return database.read(
        handle ->
            handle
                .createQuery("SELECT " + ALERT_COLUMNS + " FROM alerts WHERE id = :id")
                .bind("id", alertId)
                .map((rs, ctx) -> alertRow(rs))
                .findOne());
  }

  @Override
  public List<Alert> alertsOfIncident(String incidentId) {
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT " + ALERT_COLUMNS + " FROM alerts WHERE incident_id = :id ORDER BY id")
                .bind("id", incidentId)
                .map((rs, ctx) -> alertRow(rs))
                .list());
  }

  @Override
  public List<Incident> incidents(String projectId, int limit) {
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + INCIDENT_COLUMNS
                        + " FROM incidents WHERE project_id = :project ORDER BY id DESC"
                        + " LIMIT :limit")
                .bind("project", projectId)
                .bind("limit", limit)
                .map((rs, ctx) -> incidentRow(rs))
                .list());
  }

  @Override
  public Optional<Incident> incident(String projectId, String incidentId) {
    return database
        .read(handle -> incident(handle, incidentId))
        .filter(i -> i.projectId().equals(projectId));
  }

  @Override
  public List<IncidentEvent> timeline(String incidentId) {
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT incident_id, seq, kind, alert_id, detail, actor, created_at"
                        + " FROM incident_events WHERE incident_id = :id ORDER BY seq")
                .bind("id", incidentId)
                .map(
                    (rs, ctx) ->
                        new IncidentEvent(
                            rs.getString("incident_id"),
                            rs.getInt("seq"),
                            IncidentEvent.Kind.fromWireName(rs.getString("kind")),
                            Optional.ofNullable(rs.getString("alert_id")),
                            rs.getString("detail"),
                            rs.getString("actor"),
                            Instant.ofEpochMilli(rs.getLong("created_at"))))
                .list());
  }

  private static Optional<Alert> openAlert(Handle handle, String projectId, String fingerprint) {
    return handle
        .createQuery(
            "SELECT "
                + ALERT_COLUMNS
                + " FROM alerts WHERE project_id = :project AND fingerprint = :fingerprint"
                + " AND resolved_at IS NULL")
        .bind("project", projectId)
        .bind("fingerprint", fingerprint)
        .map((rs, ctx) -> alertRow(rs))
        .findOne();
  }

  private static Optional<Alert> findAlert(Handle handle, String projectId, String alertId) {
    return handle
        .createQuery(
            "SELECT " + ALERT_COLUMNS + " FROM alerts WHERE project_id = :project AND id = :id")
        .bind("project", projectId)
        .bind("id", alertId)
        .map((rs, ctx) -> alertRow(rs))
        .findOne();
  }

  private static Optional<Incident> openIncident(
      Handle handle, String projectId, String deployment) {
    return handle
        .createQuery(
            "SELECT "
                + INCIDENT_COLUMNS
                + " FROM incidents WHERE project_id = :project AND deployment = :deployment"
                + " AND resolved_at IS NULL")
        .bind("project", projectId)
        .bind("deployment", deployment)
        .map((rs, ctx) -> incidentRow(rs))
        .findOne();
  }

  private static Optional<Incident> incident(Handle handle, String incidentId) {
    return handle
        .createQuery("SELECT " + INCIDENT_COLUMNS + " FROM incidents WHERE id = :id")
        .bind("id", incidentId)
        .map((rs, ctx) -> incidentRow(rs))
        .findOne();
  }

  private static Alert alertRow(ResultSet rs) throws SQLException {
    return new Alert(
        rs.getString("id"),
        rs.getString("project_id"),
        rs.getString("fingerprint"),
        rs.getString("rule_name"),
        rs.getString("deployment"),
        rs.getString("model_version"),
        rs.getString("segment"),
        rs.getString("column_name"),
        rs.getString("metric"),
        rs.getString("severity"),
        parse(rs.getString("labels_json"), LABELS),
        rs.getString("summary"),
        rs.getString("description"),
        parse(rs.getString("channels_json"), CHANNELS),
        Instant.ofEpochMilli(rs.getLong("onset")),
        Instant.ofEpochMilli(rs.getLong("fired_at")),
        optionalInstant(rs, "acknowledged_at"),
        Optional.ofNullable(rs.getString("acknowledged_by")),
        optionalInstant(rs, "resolved_at"),
        rs.getDouble("last_value"),
        Instant.ofEpochMilli(rs.getLong("last_window_end")),
        Duration.ofMillis(rs.getLong("repeat_millis")),
        Instant.ofEpochMilli(rs.getLong("last_sent_at")),
        rs.getString("incident_id"),
        Optional.ofNullable(rs.getString("root_cause")));
  }

  @Override
  public List<IncidentOnset> incidentsOpened(String projectId, Instant from, Instant to) {
    requireNonNull(projectId, "projectId is null");
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT "
                        + INCIDENT_COLUMNS
                        + ", (SELECT MIN(a.onset) FROM alerts a WHERE a.incident_id = incidents.id)"
                        + " AS onset FROM incidents WHERE project_id = :project"
                        + " AND opened_at >= :from AND opened_at < :to ORDER BY opened_at, id")
                .bind("project", projectId)
                .bind("from", from.toEpochMilli())
                .bind("to", to.toEpochMilli())
                .map((rs, ctx) -> new IncidentOnset(incidentRow(rs), optionalInstant(rs, "onset")))
                .list());
  }

  private static Incident incidentRow(ResultSet rs) throws SQLException {
    return new Incident(
        rs.getString("id"),
        rs.getString("project_id"),
        rs.getString("deployment"),
        rs.getString("title"),
        rs.getString("severity"),
        Instant.ofEpochMilli(rs.getLong("opened_at")),
        optionalInstant(rs, "resolved_at"));
  }

  private static Optional<Instant> optionalInstant(ResultSet rs, String column)
      throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T parse(String json, TypeReference<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON does not parse: " + json, e);
    }
  }
}
