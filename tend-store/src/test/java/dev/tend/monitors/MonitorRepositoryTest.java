package dev.tend.monitors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.feedback.FeedbackRepository;
import dev.tend.feedback.NewFeedback;
import dev.tend.monitor.MetricPoint;
import dev.tend.monitor.MonitorMetric;
import dev.tend.monitors.MonitorCursor.FeedbackPosition;
import dev.tend.monitors.MonitorCursor.Position;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.store.Engine;
import dev.tend.store.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Engine.class)
class MonitorRepositoryTest {
  static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  /* Sketches here are text; merging concatenates, so a merge done twice or lost shows. */
  static final BinaryOperator<byte[]> CONCAT =
      (a, b) ->
          (new String(a, StandardCharsets.UTF_8) + "+" + new String(b, StandardCharsets.UTF_8))
              .getBytes(StandardCharsets.UTF_8);

  @Parameter Engine engine;
  TestDatabase db;
  MonitorRepository monitors;
  FeedbackRepository feedback;
  Project shop;

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
    monitors = MonitorRepository.of(db.database());
    feedback = FeedbackRepository.of(db.database());
    shop = ProjectRepository.of(db.database()).create("shop", "", "alice");
    feedback.claimDeployment(shop.id(), "churn", "alice");
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  static WindowChange change(String version, Instant start, long rows, long failed, String sketch) {
    return new WindowChange(
        new WindowKey("churn", version, "", start),
        start.plusSeconds(60),
        rows,
        failed,
        Optional.ofNullable(sketch).map(s -> s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aDeploymentNeverSetIsWatchedWithTheDefaults() {
    assertThat(monitors.config("churn"))
        .contains(MonitorConfig.defaults("churn", shop.id()))
        .get()
        .satisfies(c -> assertThat(c.window()).isEqualTo(Duration.ofHours(1)));
    assertThat(monitors.config("nope")).isEmpty();
    assertThat(monitors.all()).containsExactly(MonitorConfig.defaults("churn", shop.id()));
  }

  @Test
  void settingsAreStoredAndAudited() {
    MonitorConfig set =
        new MonitorConfig(
            "churn",
            shop.id(),
            Duration.ofSeconds(5),
            Optional.of("country"),
            Optional.of("01DATASETVERSION"),
            false,
            Instant.EPOCH,
            "");
    monitors.configure(set, "bob");
    MonitorConfig stored = monitors.config("churn").orElseThrow();
    assertThat(stored.window()).isEqualTo(Duration.ofSeconds(5));
    assertThat(stored.segmentColumn()).contains("country");
    assertThat(stored.referenceVersionId()).contains("01DATASETVERSION");
    assertThat(stored.enabled()).isFalse();
    assertThat(stored.updatedBy()).isEqualTo("bob");
    assertThat(monitors.all()).containsExactly(stored);
    monitors.configure(MonitorConfig.defaults("churn", shop.id()), "carol");
    assertThat(monitors.config("churn").orElseThrow().segmentColumn()).isEmpty();
    long audited =
        db.database()
            .read(
                h ->
                    h.createQuery(
                            "SELECT COUNT(*) FROM audit_events WHERE action = 'monitor.configure'")
                        .mapTo(Long.class)
                        .one());
    assertThat(audited).isEqualTo(2);
  }

  @Test
  void ingestMergesSketchesAndMovesTheCursorOnce() {
    MonitorCursor start = monitors.cursor("churn");
    assertThat(start.position()).isEqualTo(Position.START);
    assertThat(start.feedback()).isEqualTo(FeedbackPosition.START);
    Position first = new Position(T0.plusSeconds(10), "p-1");
    assertThat(
            monitors.ingest(
                new IngestBatch(
                    "churn",
                    start.version(),
                    Optional.of(first),
                    Optional.empty(),
                    List.of(change("v1", T0, 2, 0, "a"), change("*", T0, 2, 1, "a"))),
                CONCAT))
        .isTrue();
    /* A batch read against the old version (another server's, say) is refused whole. */
    assertThat(
            monitors.ingest(
                new IngestBatch(
                    "churn",
                    start.version(),
                    Optional.of(new Position(T0.plusSeconds(20), "p-9")),
                    Optional.empty(),
                    List.of(change("v1", T0, 5, 0, "x"))),
                CONCAT))
        .isFalse();
    MonitorCursor after = monitors.cursor("churn");
    assertThat(after.position()).isEqualTo(first);
    assertThat(after.version()).isEqualTo(start.version() + 1);
    assertThat(
            monitors.ingest(
                new IngestBatch(
                    "churn",
                    after.version(),
                    Optional.empty(),
                    Optional.of(new FeedbackPosition(T0, "p-1", "label")),
                    List.of(change("v1", T0, 1, 0, "b"), change("v1", T0, 0, 3, null))),
                CONCAT))
        .isTrue();
    List<MonitorWindow> windows =
        monitors.windows("churn", Optional.of("v1"), Optional.of(""), T0, T0.plusSeconds(60), true);
    assertThat(windows).hasSize(1);
    MonitorWindow v1 = windows.getFirst();
    assertThat(v1.rows()).isEqualTo(3);
    assertThat(v1.failedRequests()).isEqualTo(3);
    assertThat(new String(v1.sketch().orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("a+b");
    assertThat(monitors.cursor("churn").position()).isEqualTo(first);
    assertThat(monitors.cursor("churn").feedback())
        .isEqualTo(new FeedbackPosition(T0, "p-1", "label"));
    assertThat(
            monitors.windows(
                "churn", Optional.empty(), Optional.empty(), T0, T0.plusSeconds(1), false))
        .allMatch(w -> w.sketch().isEmpty())
        .extracting(w -> w.key().modelVersion())
        .containsExactly("*", "v1");
    assertThat(monitors.windowCount("churn")).isEqualTo(1);
  }

  @Test
  void theCursorSurvivesAReopen() {
    MonitorCursor start = monitors.cursor("churn");
    Position at = new Position(T0.plusNanos(123_000), "p-7");
    monitors.ingest(
        new IngestBatch("churn", start.version(), Optional.of(at), Optional.empty(), List.of()),
        CONCAT);
    monitors = MonitorRepository.of(db.reopen());
    assertThat(monitors.cursor("churn").position()).isEqualTo(at);
  }

  @Test
  void runsRecordTheirLastError() {
    monitors.recordRun("churn", T0, Optional.of("the sketch of window x does not decode"));
    MonitorCursor failed = monitors.cursor("churn");
    assertThat(failed.lastError()).contains("the sketch of window x does not decode");
    assertThat(failed.lastErrorAt()).contains(T0);
    assertThat(failed.errors()).isEqualTo(1);
    monitors.recordRun("churn", T0.plusSeconds(5), Optional.empty());
    MonitorCursor ok = monitors.cursor("churn");
    assertThat(ok.lastError()).isEmpty();
    assertThat(ok.lastRunAt()).contains(T0.plusSeconds(5));
    assertThat(ok.errors()).isEqualTo(1);
  }

  @Test
  void pointsAreUpsertedAndReadAsHistory() {
    List<MetricPoint> points = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Instant start = T0.plusSeconds(60L * i);
      points.add(
          MetricPoint.of(
              "churn", "*", start, start.plusSeconds(60), MonitorMetric.ROWS, "", 10 + i, 10 + i));
    }
    points.add(
        new MetricPoint(
            "churn",
            "*",
            "country=NL",
            T0,
            T0.plusSeconds(60),
            MonitorMetric.OUTCOME_RATE,
            "conversion",
            0.25,
            8,
            OptionalDouble.of(0.05),
            OptionalDouble.of(0.6)));
    monitors.savePoints(points);
    monitors.savePoints(
        List.of(
            MetricPoint.of("churn", "*", T0, T0.plusSeconds(60), MonitorMetric.ROWS, "", 42, 42)));
    assertThat(monitors.history("churn", "*", "", MonitorMetric.ROWS, "", T0.plusSeconds(180), 10))
        .extracting(MetricPoint::value)
        .containsExactly(12.0, 11.0, 42.0);
    List<MetricPoint> outcome =
        monitors.points(
            new PointQuery(
                "churn",
                Optional.of(MonitorMetric.OUTCOME_RATE),
                Optional.empty(),
                Optional.empty(),
                Optional.of("country=NL"),
                T0,
                T0.plusSeconds(3600),
                false,
                100));
    assertThat(outcome).containsExactly(points.getLast());
  }

  @Test
  void feedbackArrivalsAreReadInOrderOfReceipt() {
    for (String id : List.of("p-2", "p-1", "p-3")) {
      feedback.record(
          List.of(
              new NewFeedback(
                  id,
                  "label",
                  "1",
                  OptionalDouble.of(1),
                  Optional.of(T0),
                  "churn",
                  shop.id(),
                  false)),
          "alice");
      db.clock().advance(Duration.ofSeconds(1));
    }
    Instant now = db.clock().instant();
    List<FeedbackArrival> all = monitors.feedbackAfter("churn", FeedbackPosition.START, now, 10);
    assertThat(all).extracting(FeedbackArrival::predictionId).containsExactly("p-2", "p-1", "p-3");
    FeedbackArrival first = all.getFirst();
    assertThat(
            monitors.feedbackAfter(
                "churn",
                new FeedbackPosition(first.receivedAt(), first.predictionId(), first.name()),
                now,
                1))
        .extracting(FeedbackArrival::predictionId)
        .containsExactly("p-1");
    assertThat(monitors.feedbackAfter("churn", FeedbackPosition.START, all.get(1).receivedAt(), 10))
        .hasSize(1);
  }
}
