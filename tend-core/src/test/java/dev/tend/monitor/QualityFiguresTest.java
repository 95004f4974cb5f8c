package dev.tend.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tend.profile.DatasetProfile;
import dev.tend.schema.DataType;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityFiguresTest {
  private static Object[] longs(long from, long to) {
    Object[] out = new Object[(int) (to - from)];
    for (int i = 0; i < out.length; i++) {
      out[i] = from + i;
    }
    return out;
  }

  private static Object[] strings(int n, String... values) {
    Object[] out = new Object[n];
    for (int i = 0; i < n; i++) {
      out[i] = values[i % values.length];
    }
    return out;
  }

  @Test
  void cleanWindowPassesEveryCheck() {
    DatasetProfile reference =
        TestProfiles.builder()
            .column("n", DataType.INTEGER, longs(0, 1000))
            .column("s", DataType.STRING, strings(1000, "a", "b", "c"))
            .build();
    DatasetProfile window =
        TestProfiles.builder()
            .column("n", DataType.INTEGER, longs(100, 300))
            .column("s", DataType.STRING, strings(200, "a", "b"))
            .build();
    QualityFigures.Report r = QualityFigures.evaluate(reference, window, 0);
    // schema + (missing, range) + (missing, unseen)
    assertThat(r.checks()).isEqualTo(5);
    assertThat(r.qualityScore()).hasValue(1.0);
    assertThat(r.outOfRangeShare()).hasValue(0.0);
    assertThat(r.unseenShare()).hasValue(0.0);
  }

  @Test
  void outOfRangeUnseenMissingAndSchemaViolationsAreCountedAndFail() {
    DatasetProfile reference =
        TestProfiles.builder()
            .column("n", DataType.INTEGER, longs(0, 1000))
            .column("s", DataType.STRING, strings(1000, "a", "b", "c"))
            .build();
    Object[] n = longs(900, 1100); // 100 of 200 above the max
    Object[] s = strings(200, "a", "b", "a", "zz"); // 50 unseen
    for (int i = 0; i < 40; i++) {
      s[i * 5 + 1] = null; // 40 missing, of which some replaced "b"s and "zz"s
    }
    DatasetProfile window =
        TestProfiles.builder()
            .column("n", DataType.INTEGER, n)
            .column("s", DataType.STRING, s)
            .build();
    QualityFigures.Report r = QualityFigures.evaluate(reference, window, 10);
    QualityFigures.ColumnQuality nq = r.columns().get(0);
    QualityFigures.ColumnQuality sq = r.columns().get(1);
    assertThat(nq.outOfRangeShare().getAsDouble()).isCloseTo(0.5, within(0.03));
    long unseen = 0;
    for (Object v : s) {
      unseen += "zz".equals(v) ? 1 : 0;
    }
    assertThat(sq.unseen()).hasValue(unseen);
    assertThat(sq.unseenShare()).hasValue(unseen / 160.0);
    assertThat(sq.missingShare()).hasValue(0.2);
    assertThat(r.schemaViolationShare()).hasValue(10 / 210.0);
    assertThat(r.checks()).isEqualTo(5);
    // only n's missing check passes
    assertThat(r.qualityScore()).hasValue(1 / 5.0);
    Map<MonitorMetric, Integer> perMetric = new EnumMap<>(MonitorMetric.class);
    for (MetricPoint p : QualityFigures.points(MonitorGoldenTest.SCOPE, r)) {
      perMetric.merge(p.metric(), 1, Integer::sum);
    }
    assertThat(perMetric)
        .containsEntry(MonitorMetric.MISSING_SHARE, 3)
        .containsEntry(MonitorMetric.OUT_OF_RANGE_SHARE, 2)
        .containsEntry(MonitorMetric.UNSEEN_CATEGORY_SHARE, 2)
        .containsEntry(MonitorMetric.SCHEMA_VIOLATION_SHARE, 1)
        .containsEntry(MonitorMetric.QUALITY_SCORE, 1);
  }

  @Test
  void windowEntirelyOutsideTheRangeIsExactlyOne() {
    DatasetProfile reference =
        TestProfiles.builder().column("n", DataType.INTEGER, longs(0, 10)).build();
    DatasetProfile window =
        TestProfiles.builder().column("n", DataType.INTEGER, longs(20, 30)).build();
    assertThat(QualityFigures.evaluate(reference, window, 0).outOfRangeShare()).hasValue(1.0);
  }

  @Test
  void laterDatesAreTimePassingButEarlierOnesAreOutOfRange() {
    DatasetProfile reference =
        TestProfiles.builder().column("d", DataType.TIMESTAMP, longs(1_000, 2_000)).build();
    DatasetProfile later =
        TestProfiles.builder().column("d", DataType.TIMESTAMP, longs(5_000, 6_000)).build();
    DatasetProfile earlier =
        TestProfiles.builder().column("d", DataType.TIMESTAMP, longs(0, 500)).build();
    assertThat(QualityFigures.evaluate(reference, later, 0).outOfRangeShare()).hasValue(0.0);
    assertThat(QualityFigures.evaluate(reference, earlier, 0).outOfRangeShare()).hasValue(1.0);
  }

  @Test
  void oneValueJustOutsideTheRangeIsNeverRoundedAway() {
    DatasetProfile reference =
        TestProfiles.builder().column("n", DataType.INTEGER, longs(0, 100_000)).build();
    Object[] values = longs(0, 100_000);
    values[0] = -1L;
    DatasetProfile window = TestProfiles.builder().column("n", DataType.INTEGER, values).build();
    QualityFigures.Report r = QualityFigures.evaluate(reference, window, 0);
    assertThat(r.columns().get(0).outOfRange().getAsDouble()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void referenceWithAnOtherBucketGivesNoUnseenFigure() {
    Object[] many = new Object[5_000];
    for (int i = 0; i < many.length; i++) {
      many[i] = "v" + i;
    }
    DatasetProfile reference = TestProfiles.builder().column("s", DataType.STRING, many).build();
    DatasetProfile window =
        TestProfiles.builder().column("s", DataType.STRING, strings(10, "new")).build();
    QualityFigures.Report r = QualityFigures.evaluate(reference, window, 0);
    assertThat(r.columns().get(0).unseen()).isEmpty();
    assertThat(r.unseenShare()).isEmpty();
    // schema + missing
    assertThat(r.checks()).isEqualTo(2);
  }
}
