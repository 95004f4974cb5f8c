package dev.tend.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.drift.DriftMethod;
import dev.tend.profile.DatasetProfile;
import dev.tend.schema.DataType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DriftFiguresTest {
  private static double[] normal(SplittableRandom random, int n, double mean) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int k = 0; k < 12; k++) {
        s += random.nextDouble();
      }
      out[i] = mean + s - 6;
    }
    return out;
  }

  private static Object[] categories(SplittableRandom random, int n, int k, double skew) {
    Object[] out = new Object[n];
    for (int i = 0; i < n; i++) {
      int c = (int) (Math.pow(random.nextDouble(), 1 + skew) * k);
      out[i] = "c" + c;
    }
    return out;
  }

  @Test
  void methodFollowsTypeAndSmallerSample() {
    SplittableRandom random = new SplittableRandom(1);
    DatasetProfile reference =
        TestProfiles.builder()
            .doubles("x", normal(random, 50_000, 0))
            .column("c", DataType.STRING, categories(random, 50_000, 3, 0))
            .build();
    DatasetProfile small =
        TestProfiles.builder()
            .doubles("x", normal(random, 500, 0))
            .column("c", DataType.STRING, categories(random, 500, 3, 0))
            .build();
    DatasetProfile large =
        TestProfiles.builder()
            .doubles("x", normal(random, 5_000, 0))
            .column("c", DataType.STRING, categories(random, 5_000, 3, 0))
            .build();
    assertThat(methods(DriftFigures.compare(reference, small, Optional.empty())))
        .containsEntry("x", DriftMethod.KS)
        .containsEntry("c", DriftMethod.CHI_SQUARE);
    DriftFigures.Comparison big = DriftFigures.compare(reference, large, Optional.empty());
    assertThat(methods(big))
        .containsEntry("x", DriftMethod.WASSERSTEIN)
        .containsEntry("c", DriftMethod.JENSEN_SHANNON);
    assertThat(big.alert()).isFalse();
    assertThat(big.features().get(0).result().pValue()).isEmpty();
  }

  @Test
  void measuresGiveEveryApplicableMethodAndAgreeWithTheDecidingOne() {
    SplittableRandom random = new SplittableRandom(4);
    DatasetProfile reference =
        TestProfiles.builder()
            .doubles("x", normal(random, 20_000, 0))
            .column("c", DataType.STRING, categories(random, 20_000, 4, 0))
            .build();
    DatasetProfile shifted =
        TestProfiles.builder()
            .doubles("x", normal(random, 5_000, 1))
            .column("c", DataType.STRING, categories(random, 5_000, 4, 2))
            .build();
    List<dev.tend.drift.DriftResult> x = DriftFigures.measures(reference, shifted, "x");
    assertThat(x)
        .extracting(dev.tend.drift.DriftResult::method)
        .containsExactly(
            DriftMethod.PSI, DriftMethod.KS, DriftMethod.JENSEN_SHANNON, DriftMethod.WASSERSTEIN);
    assertThat(x).allSatisfy(r -> assertThat(r.drifted()).as(r.method().name()).isTrue());
    assertThat(x.get(1).pValue().orElseThrow()).isLessThan(1e-6);
    List<dev.tend.drift.DriftResult> c = DriftFigures.measures(reference, shifted, "c");
    assertThat(c)
        .extracting(dev.tend.drift.DriftResult::method)
        .containsExactly(DriftMethod.PSI, DriftMethod.JENSEN_SHANNON, DriftMethod.CHI_SQUARE);
    dev.tend.drift.DriftResult deciding =
        DriftFigures.compare(reference, shifted, Optional.empty()).features().get(0).result();
    assertThat(x)
        .filteredOn(r -> r.method() == deciding.method())
        .singleElement()
        .satisfies(r -> assertThat(r.statistic()).isEqualTo(deciding.statistic()));
    assertThat(DriftFigures.measures(reference, shifted, "absent")).isEmpty();
  }

  @Test
  void manyCategoriesKeepChiSquareUntilEnoughValuesPerCategory() {
    SplittableRandom random = new SplittableRandom(2);
    DatasetProfile reference =
        TestProfiles.builder()
            .column("c", DataType.STRING, categories(random, 200_000, 200, 1))
            .build();
    DatasetProfile window =
        TestProfiles.builder()
            .column("c", DataType.STRING, categories(random, 5_000, 200, 1))
            .build();
    DriftFigures.Comparison c = DriftFigures.compare(reference, window, Optional.empty());
    assertThat(methods(c)).containsEntry("c", DriftMethod.CHI_SQUARE);
    assertThat(c.alert()).isFalse();
  }

  @Test
  void largeWindowsDoNotAlarmOnTrivialShifts() {
    SplittableRandom random = new SplittableRandom(3);
    DatasetProfile reference =
        TestProfiles.builder().doubles("x", normal(random, 100_000, 0)).build();
    DatasetProfile window =
        TestProfiles.builder().doubles("x", normal(random, 100_000, 0.03)).build();
    DriftFigures.Comparison c = DriftFigures.compare(reference, window, Optional.empty());
    assertThat(c.features())
        .singleElement()
        .satisfies(f -> assertThat(f.result().drifted()).isFalse());
    assertThat(c.alert()).isFalse();
  }

  @Test
  void windowsDriftOnlyAtTwiceTheOfflineThreshold() {
    SplittableRandom random = new SplittableRandom(6);
    DatasetProfile reference =
        TestProfiles.builder().doubles("x", normal(random, 100_000, 0)).build();
    // A uniform sum of 12 has sd 1: a shift of 0.15 lies between 0.1 (offline) and 0.2.
    DatasetProfile window =
        TestProfiles.builder().doubles("x", normal(random, 50_000, 0.15)).build();
    assertThat(DriftFigures.threshold(DriftMethod.WASSERSTEIN).effectSize()).isEqualTo(0.2);
    assertThat(DriftFigures.threshold(DriftMethod.KS).alpha()).hasValue(0.05);
    assertThat(DriftFigures.compare(reference, window, Optional.empty()).alert()).isFalse();
    DriftFigures.Comparison offline =
        DriftFigures.compare(
            reference,
            window,
            List.of("x"),
            Optional.empty(),
            dev.tend.drift.DriftDefaults::threshold);
    assertThat(offline.alert()).isTrue();
    assertThat(offline.features().get(0).result().effectSize()).isBetween(0.12, 0.18);
  }

  @Test
  void realShiftsDriftAndFormPoints() {
    SplittableRandom random = new SplittableRandom(4);
    DatasetProfile reference =
        TestProfiles.builder()
            .doubles("x", normal(random, 20_000, 0))
            .doubles("y", normal(random, 20_000, 0))
            .doubles("score", normal(random, 20_000, 0))
            .build();
    DatasetProfile window =
        TestProfiles.builder()
            .doubles("x", normal(random, 3_000, 1))
            .doubles("y", normal(random, 3_000, 0))
            .doubles("score", normal(random, 3_000, 0.5))
            .build();
    DriftFigures.Comparison c = DriftFigures.compare(reference, window, Optional.of("score"));
    assertThat(c.features()).extracting(DriftFigures.ColumnDrift::column).containsExactly("x", "y");
    assertThat(c.driftedShare()).hasValue(0.5);
    assertThat(c.alert()).isTrue();
    List<MetricPoint> points = DriftFigures.points(MonitorGoldenTest.SCOPE, c, Optional.of(c));
    Map<MonitorMetric, Long> counts =
        points.stream().collect(Collectors.groupingBy(MetricPoint::metric, Collectors.counting()));
    assertThat(counts)
        .containsEntry(MonitorMetric.FEATURE_DRIFT, 2L)
        .containsEntry(MonitorMetric.DRIFT_DETECTED, 2L)
        .containsEntry(MonitorMetric.DRIFTED_FEATURE_SHARE, 1L)
        .containsEntry(MonitorMetric.PREDICTION_DRIFT, 1L)
        .containsEntry(MonitorMetric.FEATURE_DRIFT_PREVIOUS, 2L);
    assertThat(c.prediction().orElseThrow().result().drifted()).isTrue();
  }

  @Test
  void columnsOnOneSideOnlyOrOfOtherTypesAreSkippedWithAReason() {
    DatasetProfile reference =
        TestProfiles.builder()
            .column("a", DataType.INTEGER, 1L, 2L, 3L)
            .column("b", DataType.STRING, "x", "y", "z")
            .column("e", DataType.INTEGER, null, null, null)
            .build();
    DatasetProfile window =
        TestProfiles.builder()
            .column("a", DataType.STRING, "1", "2", "3")
            .column("c", DataType.STRING, "x", "y", "z")
            .column("e", DataType.INTEGER, 1L, 2L, 3L)
            .build();
    DriftFigures.Comparison c = DriftFigures.compare(reference, window, Optional.of("p"));
    assertThat(c.features()).isEmpty();
    assertThat(c.driftedShare()).isEmpty();
    assertThat(c.alert()).isFalse();
    assertThat(c.skipped())
        .extracting(DriftFigures.Skipped::column, DriftFigures.Skipped::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "a", "types differ: integer in the baseline, string in the window"),
            org.assertj.core.groups.Tuple.tuple("b", "not in the window's profile"),
            org.assertj.core.groups.Tuple.tuple("e", "no finite values in the baseline"),
            org.assertj.core.groups.Tuple.tuple("c", "not in the baseline profile"),
            org.assertj.core.groups.Tuple.tuple("p", "in neither profile"));
    assertThat(DriftFigures.points(MonitorGoldenTest.SCOPE, c, Optional.empty())).isEmpty();
  }

  /* Epoch microseconds, one a minute from {@code startDay} days after 2001-01-01, some missing. */
  private static Object[] timestamps(int n, int startDay) {
    long start = (978_307_200L + startDay * 86_400L) * 1_000_000L;
    Object[] out = new Object[n];
    for (int i = 0; i < n; i++) {
      out[i] = i % 10 == 0 ? null : start + i * 60_000_000L;
    }
    return out;
  }

  @Test
  void aShiftedTimestampColumnIsNotADriftedFeature() {
    SplittableRandom random = new SplittableRandom(7);
    DatasetProfile reference =
        TestProfiles.builder()
            .doubles("distance", normal(random, 20_000, 0))
            .column("date", DataType.TIMESTAMP, timestamps(20_000, 0))
            .build();
    DatasetProfile window =
        TestProfiles.builder()
            .doubles("distance", normal(random, 3_000, 0))
            .column("date", DataType.TIMESTAMP, timestamps(3_000, 120))
            .build();
    WindowFigures figures = WindowFigures.of(MonitorGoldenTest.SCOPE);
    DriftFigures.Comparison c =
        figures.drift(
            reference, window, Optional.empty(), List.of("distance", "date"), Optional.empty());
    figures.quality(reference, window, 0);

    assertThat(c.features())
        .extracting(DriftFigures.ColumnDrift::column)
        .containsExactly("distance");
    assertThat(c.driftedShare()).hasValue(0.0);
    assertThat(c.alert()).isFalse();
    assertThat(c.skipped())
        .containsExactly(
            new DriftFigures.Skipped("date", DriftFigures.TEMPORAL_SKIP.formatted("timestamp")));
    assertThat(DriftFigures.measures(reference, window, "date")).isEmpty();
    List<MetricPoint> points = figures.points();
    assertThat(points)
        .filteredOn(p -> p.column().equals("date"))
        .extracting(MetricPoint::metric)
        .doesNotContain(MonitorMetric.FEATURE_DRIFT, MonitorMetric.DRIFT_DETECTED)
        .contains(MonitorMetric.MISSING_SHARE);
    assertThat(points)
        .filteredOn(p -> p.metric() == MonitorMetric.DRIFTED_FEATURE_SHARE)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.value()).isZero();
              assertThat(p.count()).isEqualTo(1);
            });
    assertThat(points)
        .filteredOn(p -> p.metric() == MonitorMetric.MISSING_SHARE && p.column().equals("date"))
        .singleElement()
        .satisfies(
            p -> assertThat(p.value()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9)));
  }

  private static Map<String, DriftMethod> methods(DriftFigures.Comparison c) {
    return c.features().stream()
        .collect(Collectors.toMap(DriftFigures.ColumnDrift::column, f -> f.result().method()));
  }
}
