package dev.tend.alerting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.alert.AlertState;
import dev.tend.alert.SeriesState;
import dev.tend.alerting.AlertRepository.Moved;
import dev.tend.alerting.AlertRepository.PutResult;
import dev.tend.alerting.AlertRepository.StoredSeries;
import dev.tend.alerting.IncidentEvent.Kind;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.store.ConflictException;
import dev.tend.store.Engine;
import dev.tend.store.NotFoundException;
import dev.tend.store.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Rules, series compare-and-set, alerts, incidents and timelines on SQLite and PostgreSQL. */
@ParameterizedClass
@EnumSource(Engine.class)
class AlertRepositoryTest {
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

  @Parameter Engine engine;
  TestDatabase db;
  AlertRepository alerts;
  Project shop;

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
    alerts = AlertRepository.of(db.database());
    shop = ProjectRepository.of(db.database()).create("shop", "", "alice");
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  static SeriesState pending(int breaches, Instant onset, Instant windowEnd) {
    return new SeriesState(
        AlertState.PENDING, breaches, Optional.of(onset), Optional.of(windowEnd), false);
  }

  static SeriesState firing(int breaches, Instant onset, Instant windowEnd) {
    return new SeriesState(
        AlertState.FIRING, breaches, Optional.of(onset), Optional.of(windowEnd), false);
  }

  static SeriesState resolved(Instant windowEnd) {
    return new SeriesState(AlertState.RESOLVED, 0, Optional.empty(), Optional.of(windowEnd), false);
  }

  static NewAlert alert(String fingerprint, String rule, String severity, Instant onset) {
    return new NewAlert(
        fingerprint,
        rule,
        "flights-prod",
        "*",
        "",
        "",
        "f1",
        severity,
        Map.of("team", "risk"),
        rule + " on flights-prod",
        "",
        List.of("slack"),
        onset,
        0.41,
        onset.plus(Duration.ofHours(1)),
        Duration.ofHours(1));
  }

  long seq(String fingerprint) {
    return alerts.series(shop.id(), fingerprint).orElseThrow().seq();
  }

  Moved fire(String fingerprint, String rule, String severity, Instant onset, Instant now) {
    Instant end = onset.plus(Duration.ofHours(1));
    return alerts
        .move(
            new SeriesMove(
                shop.id(),
                fingerprint,
                rule,
                OptionalLong.empty(),
                firing(1, onset, end),
                Optional.of(alert(fingerprint, rule, severity, onset)),
                false,
                0.41,
                end),
            now)
        .orElseThrow();
  }

  Optional<Moved> resolve(String fingerprint, String rule, Instant windowEnd, Instant now) {
    return alerts.move(
        new SeriesMove(
            shop.id(),
            fingerprint,
            rule,
            OptionalLong.of(seq(fingerprint)),
            resolved(windowEnd),
            Optional.empty(),
            true,
            0.7,
            windowEnd),
        now);
  }

  @Test
  void rulesAreCreatedVersionedUnchangedWhenSentAgainAndDeleted() {
    var created = alerts.putRule(shop.id(), "f1-low", "metric: f1", "yaml", "{}", "alice");
    assertThat(created.result()).isEqualTo(PutResult.CREATED);
    assertThat(created.rule().version()).isEqualTo(1);
    assertThat(created.rule().enabled()).isTrue();
    assertThat(alerts.putRule(shop.id(), "f1-low", "metric: f1", "yaml", "{}", "bob").result())
        .isEqualTo(PutResult.UNCHANGED);
    var updated = alerts.putRule(shop.id(), "f1-low", "{\"metric\": \"f1\"}", "json", "{}", "bob");
    assertThat(updated.result()).isEqualTo(PutResult.UPDATED);
    assertThat(updated.rule().version()).isEqualTo(2);
    assertThat(updated.rule().updatedBy()).isEqualTo("bob");
    assertThat(updated.rule().createdBy()).isEqualTo("alice");
    alerts.putRule(shop.id(), "a-rule", "metric: rows", "yaml", "{}", "alice");
    assertThat(alerts.rules(shop.id()))
        .extracting(StoredRule::name)
        .containsExactly("a-rule", "f1-low");
    assertThat(alerts.deleteRule(shop.id(), "f1-low", "alice")).isEmpty();
    assertThat(alerts.rule(shop.id(), "f1-low")).isEmpty();
    assertThatThrownBy(() -> alerts.deleteRule(shop.id(), "f1-low", "alice"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void aSeriesMovesOnlyFromTheStateItWasComputedFrom() {
    Instant end = T0.plus(Duration.ofHours(1));
    SeriesMove first =
        new SeriesMove(
            shop.id(),
            "fp1",
            "r",
            OptionalLong.empty(),
            pending(1, T0, end),
            Optional.empty(),
            false,
            0.4,
            end);
    assertThat(alerts.move(first, end)).isPresent();
    // A second evaluator that also saw no state loses on the primary key.
    assertThat(alerts.move(first, end)).isEmpty();
    StoredSeries stored = alerts.series(shop.id(), "fp1").orElseThrow();
    assertThat(stored.state()).isEqualTo(pending(1, T0, end));
    Instant end2 = end.plus(Duration.ofHours(1));
    SeriesMove stale =
        new SeriesMove(
            shop.id(),
            "fp1",
            "r",
            OptionalLong.of(stored.seq() + 5),
            pending(2, T0, end2),
            Optional.empty(),
            false,
            0.4,
            end2);
    assertThat(alerts.move(stale, end2)).isEmpty();
    SeriesMove current =
        new SeriesMove(
            shop.id(),
            "fp1",
            "r",
            OptionalLong.of(stored.seq()),
            pending(2, T0, end2),
            Optional.empty(),
            false,
            0.4,
            end2);
    assertThat(alerts.move(current, end2)).isPresent();
    assertThat(alerts.move(current, end2)).as("the same step twice").isEmpty();
    assertThat(alerts.series(shop.id(), "fp1").orElseThrow().state().breaches()).isEqualTo(2);
  }

  @Test
  void alertsOfADeploymentShareAnIncidentThatResolvesWithTheLastOfThem() {
    Instant firedAt = T0.plus(Duration.ofMinutes(70));
    Moved first = fire("fp-f1", "f1-low", "warning", T0, firedAt);
    assertThat(first.incidentOpened()).isTrue();
    Alert f1 = first.alert().orElseThrow();
    assertThat(f1.state()).isEqualTo(Alert.FIRING);
    assertThat(f1.timeToDetect()).isEqualTo(Duration.ofMinutes(70));
    assertThat(f1.labels()).containsEntry("team", "risk");
    assertThat(f1.channels()).containsExactly("slack");

    Moved second = fire("fp-err", "errors", "critical", T0, firedAt.plusSeconds(60));
    assertThat(second.incidentOpened()).isFalse();
    assertThat(second.alert().orElseThrow().incidentId()).isEqualTo(f1.incidentId());
    assertThat(second.incident().orElseThrow().severity()).isEqualTo("critical");

    // One open alert per fingerprint: a duplicate firing is refused as a lost race.
    assertThat(
            alerts.move(
                new SeriesMove(
                    shop.id(),
                    "fp-f1",
                    "f1-low",
                    OptionalLong.of(seq("fp-f1")),
                    firing(2, T0, T0.plus(Duration.ofHours(2))),
                    Optional.of(alert("fp-f1", "f1-low", "warning", T0)),
                    false,
                    0.3,
                    T0.plus(Duration.ofHours(2))),
                firedAt))
        .hasValueSatisfying(m -> assertThat(m.alert().orElseThrow().id()).isEqualTo(f1.id()));
    assertThat(alerts.alerts(shop.id(), Optional.empty(), 10)).hasSize(2);
    assertThat(alerts.openCounts())
        .containsExactly(
            new AlertRepository.OpenCount(shop.name(), "errors", "critical", 1),
            new AlertRepository.OpenCount(shop.name(), "f1-low", "warning", 1));

    var ack = alerts.acknowledge(shop.id(), f1.id(), "bob", firedAt.plusSeconds(120));
    assertThat(ack.changed()).isTrue();
    assertThat(ack.alert().state()).isEqualTo(Alert.ACKNOWLEDGED);
    assertThat(alerts.acknowledge(shop.id(), f1.id(), "carol", firedAt).changed()).isFalse();
    assertThat(alerts.alerts(shop.id(), Optional.of("acknowledged"), 10))
        .extracting(Alert::id)
        .containsExactly(f1.id());
    assertThat(alerts.alerts(shop.id(), Optional.of("firing"), 10)).hasSize(1);

    Instant resolvedAt = T0.plus(Duration.ofHours(3));
    Moved r1 = resolve("fp-f1", "f1-low", T0.plus(Duration.ofHours(3)), resolvedAt).orElseThrow();
    assertThat(r1.incidentResolved()).isFalse();
    assertThat(r1.alert().orElseThrow().timeToRecover()).contains(Duration.ofHours(3));
    assertThat(r1.alert().orElseThrow().firedToResolved())
        .contains(Duration.ofHours(3).minusMinutes(70));
    assertThatThrownBy(() -> alerts.acknowledge(shop.id(), f1.id(), "bob", resolvedAt))
        .isInstanceOf(ConflictException.class);
    Moved r2 = resolve("fp-err", "errors", T0.plus(Duration.ofHours(4)), resolvedAt).orElseThrow();
    assertThat(alerts.openCounts()).isEmpty();
    assertThat(r2.incidentResolved()).isTrue();
    Incident incident = alerts.incident(shop.id(), f1.incidentId()).orElseThrow();
    assertThat(incident.resolvedAt()).contains(resolvedAt);

    alerts.appendEvent(
        incident.id(),
        Kind.NOTIFICATION_DELIVERED,
        Optional.of(f1.id()),
        "slack: 200",
        "slack",
        resolvedAt);
    assertThat(alerts.timeline(incident.id()))
        .extracting(IncidentEvent::kind)
        .containsExactly(
            Kind.INCIDENT_OPENED,
            Kind.ALERT_FIRED,
            Kind.ALERT_FIRED,
            Kind.ALERT_ACKNOWLEDGED,
            Kind.ALERT_RESOLVED,
            Kind.ALERT_RESOLVED,
            Kind.INCIDENT_RESOLVED,
            Kind.NOTIFICATION_DELIVERED);
    assertThat(alerts.timeline(incident.id())).extracting(IncidentEvent::seq).startsWith(1, 2, 3);

    // A new breach after resolution opens a new incident.
    Moved again = fire("fp-new", "f1-low", "info", T0.plus(Duration.ofHours(5)), resolvedAt);
    assertThat(again.incidentOpened()).isTrue();
    assertThat(alerts.incidents(shop.id(), 10)).hasSize(2);
    assertThat(alerts.alertsOfIncident(f1.incidentId())).hasSize(2);
  }

  @Test
  void evaluatorsRacingOnOneDeploymentOpenOneIncidentAndOneAlertPerFingerprint() throws Exception {
    int threads = 6;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Integer>> wins = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String fingerprint = "fp-" + (t % 3); // two evaluators per series
      wins.add(
          pool.submit(
              () -> {
                start.await();
                int won = 0;
                // As Alerting does: on a lost race re-read the series and step again.
                for (int attempt = 0; attempt < 5; attempt++) {
                  Optional<StoredSeries> stored = alerts.series(shop.id(), fingerprint);
                  if (stored.isPresent() && stored.get().state().state() == AlertState.FIRING) {
                    break; // the other evaluator fired it: nothing left to do
                  }
                  Instant end = T0.plus(Duration.ofHours(1));
                  Optional<Moved> moved =
                      alerts.move(
                          new SeriesMove(
                              shop.id(),
                              fingerprint,
                              "r",
                              stored
                                  .map(s -> OptionalLong.of(s.seq()))
                                  .orElse(OptionalLong.empty()),
                              firing(1, T0, end),
                              Optional.of(alert(fingerprint, "r", "warning", T0)),
                              false,
                              0.4,
                              end),
                          end);
                  if (moved.isPresent()) {
                    won++;
                    break;
                  }
                }
                return won;
              }));
    }
    int total = 0;
    for (Future<Integer> win : wins) {
      total += win.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(total).isEqualTo(3);
    assertThat(alerts.alerts(shop.id(), Optional.empty(), 100))
        .extracting(Alert::fingerprint)
        .containsExactlyInAnyOrder("fp-0", "fp-1", "fp-2");
    assertThat(alerts.incidents(shop.id(), 100)).hasSize(1);
  }

  @Test
  void aRootCauseIsStoredWithTheAlertItOpensWith() {
    String cause = "{\"summary\": \"origin missing in 48% of rows\", \"quality\": []}";
    NewAlert base = alert("fp-rc", "quality", "warning", T0);
    NewAlert withCause =
        new NewAlert(
            base.fingerprint(),
            base.rule(),
            base.deployment(),
            base.modelVersion(),
            base.segment(),
            base.column(),
            base.metric(),
            base.severity(),
            base.labels(),
            base.summary(),
            base.description(),
            base.channels(),
            base.onset(),
            base.value(),
            base.windowEnd(),
            base.repeatInterval(),
            Optional.of(cause));
    Alert opened =
        alerts
            .move(
                new SeriesMove(
                    shop.id(),
                    "fp-rc",
                    "quality",
                    OptionalLong.empty(),
                    firing(1, T0, T0.plus(Duration.ofHours(1))),
                    Optional.of(withCause),
                    false,
                    0.41,
                    T0.plus(Duration.ofHours(1))),
                T0.plus(Duration.ofHours(1)))
            .orElseThrow()
            .alert()
            .orElseThrow();
    assertThat(opened.rootCause()).contains(cause);
    assertThat(alerts.alert(shop.id(), opened.id()).orElseThrow().rootCause()).contains(cause);
    assertThat(fire("fp-none", "f1-low", "warning", T0, T0).alert().orElseThrow().rootCause())
        .isEmpty();
  }

  @Test
  void repeatsAreDueAfterTheIntervalAndMarkedByOneServer() {
    Alert a = fire("fp", "r", "warning", T0, T0).alert().orElseThrow();
    assertThat(alerts.dueForRepeat(T0.plus(Duration.ofMinutes(59)))).isEmpty();
    Instant due = T0.plus(Duration.ofHours(1));
    assertThat(alerts.dueForRepeat(due)).extracting(Alert::id).containsExactly(a.id());
    assertThat(alerts.markRepeated(a.id(), a.lastSentAt(), due)).isTrue();
    assertThat(alerts.markRepeated(a.id(), a.lastSentAt(), due)).isFalse();
    assertThat(alerts.dueForRepeat(due)).isEmpty();
    assertThat(alerts.timeline(a.incidentId()))
        .extracting(IncidentEvent::kind)
        .endsWith(Kind.ALERT_REPEATED);
  }

  @Test
  void deletingARuleResolvesItsOpenAlerts() {
    alerts.putRule(shop.id(), "r", "metric: f1", "yaml", "{}", "alice");
    Alert a = fire("fp", "r", "warning", T0, T0).alert().orElseThrow();
    List<Alert> resolved = alerts.deleteRule(shop.id(), "r", "alice");
    assertThat(resolved).extracting(Alert::id).containsExactly(a.id());
    assertThat(alerts.alert(shop.id(), a.id()).orElseThrow().state()).isEqualTo(Alert.RESOLVED);
    assertThat(alerts.incident(shop.id(), a.incidentId()).orElseThrow().open()).isFalse();
    assertThat(alerts.series(shop.id(), "fp")).isEmpty();
  }
}
