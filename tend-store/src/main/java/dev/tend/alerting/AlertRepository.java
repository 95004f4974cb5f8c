package dev.tend.alerting;

import dev.tend.alert.SeriesState;
import dev.tend.store.Database;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Alert rules, series states, alerts and incidents of every project. Each call is one transaction;
 * changes of a series are compare-and-set on its stored {@code seq}, and at most one alert per
 * fingerprint is open, so several servers evaluating the same windows act once. Thread-safe.
 */
public interface AlertRepository {
  static AlertRepository of(Database database) {
    return new JdbiAlertRepository(database);
  }

  /** What storing a rule did. */
  enum PutResult {
    CREATED,
    UPDATED,
    UNCHANGED
  }

  /** A rule as stored, and what storing it did. */
  record Put(StoredRule rule, PutResult result) {}

  /** A series' stored state, and the {@code seq} to compare-and-set on. */
  record StoredSeries(String fingerprint, String rule, SeriesState state, long seq) {}

  /**
   * What a stored {@link SeriesMove} did: the alert it opened, resolved or updated, its incident,
   * and whether the incident opened or resolved with it.
   */
  record Moved(
      Optional<Alert> alert,
      Optional<Incident> incident,
      boolean incidentOpened,
      boolean incidentResolved) {}

  /** An acknowledgement: the alert after it, and whether it was not acknowledged before. */
  record Acknowledged(Alert alert, boolean changed) {}

  /** Creates or replaces the rule {@code name}; the same text again changes nothing. */
  Put putRule(
      String projectId,
      String name,
      String source,
      String sourceType,
      String ruleJson,
      String actor);

  Optional<StoredRule> rule(String projectId, String name);

  /** The project's rules by name. */
  List<StoredRule> rules(String projectId);

  /**
   * Deletes the rule and its series states, resolving its open alerts (and incidents left without
   * open alerts); returns the alerts it resolved.
   *
   * @throws dev.tend.store.NotFoundException when there is no such rule
   */
  List<Alert> deleteRule(String projectId, String name, String actor);

  Optional<StoredSeries> series(String projectId, String fingerprint);

  /**
   * Stores one step of a series, the alert opening or resolving with it, the incident it joins,
   * opens or resolves, and their timeline entries. Empty when the compare-and-set lost: another
   * evaluator stored a step of this series first, so this one must not act.
   */
  Optional<Moved> move(SeriesMove move, Instant now);

  /**
   * Acknowledges an open alert; acknowledging it again changes nothing.
   *
   * @throws dev.tend.store.NotFoundException when the project has no such alert
   * @throws dev.tend.store.ConflictException when the alert resolved already
   */
  Acknowledged acknowledge(String projectId, String alertId, String actor, Instant now);

  /** Open alerts of every project last sent at least their repeat interval before {@code now}. */
  List<Alert> dueForRepeat(Instant now);

  /** How many alerts of one rule are open now (firing, acknowledged or not). */
  record OpenCount(String project, String rule, String severity, int count) {}

  /** Open alerts of every project, counted per project name, rule and severity. */
  List<OpenCount> openCounts();

  /**
   * Records that an alert was sent again, if it was last sent at {@code lastSentAt} (compare-and-
   * set, so one server repeats it); false when another server did.
   */
  boolean markRepeated(String alertId, Instant lastSentAt, Instant now);

  /** Appends an entry to an incident's timeline. */
  IncidentEvent appendEvent(
      String incidentId,
      IncidentEvent.Kind kind,
      Optional<String> alertId,
      String detail,
      String actor,
      Instant now);

  /**
   * The project's alerts, newest first: all, or those in {@code state} ({@code firing}, {@code
   * acknowledged} or {@code resolved}).
   */
  List<Alert> alerts(String projectId, Optional<String> state, int limit);

  Optional<Alert> alert(String projectId, String alertId);

  /** The alert with this id, in whichever project. */
  Optional<Alert> alertById(String alertId);

  /** The alerts of an incident, oldest first. */
  List<Alert> alertsOfIncident(String incidentId);

  /** The project's incidents, newest first. */
  List<Incident> incidents(String projectId, int limit);

  Optional<Incident> incident(String projectId, String incidentId);

  /** The project's incidents opened in {@code [from, to)}, with their onsets, oldest first. */
  List<IncidentOnset> incidentsOpened(String projectId, Instant from, Instant to);

  /** An incident's timeline, oldest first. */
  List<IncidentEvent> timeline(String incidentId);
}
