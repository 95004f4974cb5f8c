package dev.tend.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.drift.DriftDefaults;
import dev.tend.drift.DriftMethod;
import dev.tend.drift.DriftThreshold;
import dev.tend.profile.ColumnProfile;
import dev.tend.profile.ColumnProfiler;
import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileProvenance;
import dev.tend.schema.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default drift alert ({@link DriftFigures.Comparison#alert()}: any feature drifted) on real
 * traffic: the flagship model's raw inputs (distance, origin, destination, hour and day of week of
 * the date) of the shared flights file, reference profiled from 1-15 January 2001, windows drawn
 * from 16-31 January. Issue 7 asks that at most 1% of windows from one stable month raise it; a
 * real shift (distances in kilometres, June traffic) must still raise it.
 */
class DriftFalseAlarmTest {
  private static final int WINDOWS = 300;
  private static final int MIN_ROWS = 500;
  private static final int MAX_ROWS = 20_000;
  private static final List<String> FEATURES =
      List.of("distance", "origin", "destination", "hour", "day_of_week");

  private static Rows reference;
  private static Rows january;
  private static Rows june;

  /** Columns of flights, one array per feature. */
  private record Rows(
      long[] distance,
      String[] origin,
      String[] destination,
      long[] hour,
      long[] dayOfWeek,
      long[] day) {
    int size() {
      return distance.length;
    }
  }

  @BeforeAll
  static void load() throws SQLException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("../shared/data/flights-3m.parquet"))) {
      dir = dir.getParent();
    }
    Assumptions.assumeTrue(
        dir != null, "skipped: ../shared/data/flights-3m.parquet is not present");
    Path flights = dir.resolve("../shared/data/flights-3m.parquet").normalize();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      reference = read(c, flights, "2001-01-01", "2001-01-16");
      january = read(c, flights, "2001-01-16", "2001-02-01");
      june = read(c, flights, "2001-06-01", "2001-07-01");
    }
  }

  private static Rows read(Connection c, Path file, String from, String to) throws SQLException {
    String sql =
        "SELECT distance, origin, destination, hour(date), isodow(date), day(date) FROM"
            + " read_parquet('"
            + file
            + "') WHERE date >= TIMESTAMP '"
            + from
            + "' AND date < TIMESTAMP '"
            + to
            + "' ORDER BY date, origin, destination, distance";
    List<Object[]> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        rows.add(
            new Object[] {
              r.getLong(1), r.getString(2), r.getString(3), r.getLong(4), r.getLong(5), r.getLong(6)
            });
      }
    }
    int n = rows.size();
    Rows out =
        new Rows(new long[n], new String[n], new String[n], new long[n], new long[n], new long[n]);
    for (int i = 0; i < n; i++) {
      Object[] row = rows.get(i);
      out.distance[i] = (Long) row[0];
      out.origin[i] = (String) row[1];
      out.destination[i] = (String) row[2];
      out.hour[i] = (Long) row[3];
      out.dayOfWeek[i] = (Long) row[4];
      out.day[i] = (Long) row[5];
    }
    return out;
  }

  /** Profiles the rows at {@code indexes}, distances multiplied by {@code distanceScale}. */
  private static DatasetProfile profile(Rows rows, int[] indexes, double distanceScale) {
    ColumnProfiler distance = ColumnProfiler.create("distance", DataType.INTEGER);
    ColumnProfiler origin = ColumnProfiler.create("origin", DataType.STRING);
    ColumnProfiler destination = ColumnProfiler.create("destination", DataType.STRING);
    ColumnProfiler hour = ColumnProfiler.create("hour", DataType.INTEGER);
    ColumnProfiler dayOfWeek = ColumnProfiler.create("day_of_week", DataType.INTEGER);
    for (int i : indexes) {
      distance.updateLong(Math.round(rows.distance[i] * distanceScale), 1);
      origin.updateString(rows.origin[i], 1);
      destination.updateString(rows.destination[i], 1);
      hour.updateLong(rows.hour[i], 1);
      dayOfWeek.updateLong(rows.dayOfWeek[i], 1);
    }
    List<ColumnProfile> columns =
        List.of(
            distance.finish(),
            origin.finish(),
            destination.finish(),
            hour.finish(),
            dayOfWeek.finish());
    return DatasetProfile.of(indexes.length, columns, ProfileProvenance.of("flights", 0));
  }

  private static int[] all(Rows rows) {
    int[] out = new int[rows.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = i;
    }
    return out;
  }

  /** A window of {@code n} rows drawn at random without replacement. */
  private static int[] sample(Rows rows, int n, SplittableRandom random) {
    int[] pool = all(rows);
    for (int i = 0; i < n; i++) {
      int j = i + random.nextInt(pool.length - i);
      int t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return java.util.Arrays.copyOf(pool, n);
  }

  /** A size between MIN_ROWS and MAX_ROWS, uniform on a log scale. */
  private static int size(SplittableRandom random) {
    double log = Math.log(MIN_ROWS) + random.nextDouble() * Math.log((double) MAX_ROWS / MIN_ROWS);
    return (int) Math.round(Math.exp(log));
  }

  private record Rate(int alerts, int windows, Map<String, Integer> byFeature) {
    double value() {
      return (double) alerts / windows;
    }

    @Override
    public String toString() {
      return String.format(
          "%d of %d (%.2f%%), drifted features %s",
          alerts, windows, 100.0 * alerts / windows, byFeature);
    }
  }

  private static Rate rate(DatasetProfile baseline, List<DatasetProfile> windows) {
    return rate(baseline, windows, FEATURES, DriftFigures::threshold);
  }

  private static Rate rate(
      DatasetProfile baseline,
      List<DatasetProfile> windows,
      List<String> features,
      Function<DriftMethod, DriftThreshold> thresholds) {
    int alerts = 0;
    Map<String, Integer> byFeature = new TreeMap<>();
    for (DatasetProfile w : windows) {
      DriftFigures.Comparison c =
          DriftFigures.compare(baseline, w, features, Optional.empty(), thresholds);
      assertThat(c.skipped()).isEmpty();
      assertThat(c.features()).hasSize(features.size());
      alerts += c.alert() ? 1 : 0;
      for (DriftFigures.ColumnDrift f : c.features()) {
        if (f.result().drifted()) {
          byFeature.merge(f.column() + "/" + f.result().method().label(), 1, Integer::sum);
        }
      }
    }
    return new Rate(alerts, windows.size(), byFeature);
  }

  @Test
  void atMostOnePercentOfWindowsFromAStableMonthRaiseTheDefaultDriftAlert() {
    DatasetProfile baseline = profile(reference, all(reference), 1);
    SplittableRandom random = new SplittableRandom(20010116);
    List<DatasetProfile> windows = new ArrayList<>();
    for (int w = 0; w < WINDOWS; w++) {
      windows.add(profile(january, sample(january, size(random), random), 1));
    }
    Rate sampled = rate(baseline, windows);
    System.out.println(
        "drift false alarms, "
            + WINDOWS
            + " random windows of "
            + MIN_ROWS
            + "-"
            + MAX_ROWS
            + " rows from 16-31 Jan 2001 against 1-15 Jan: "
            + sampled);

    List<DatasetProfile> days = new ArrayList<>();
    for (int day = 16; day <= 31; day++) {
      int d = day;
      days.add(
          profile(
              january,
              java.util.stream.IntStream.range(0, january.size())
                  .filter(i -> january.day[i] == d)
                  .toArray(),
              1));
    }
    System.out.println(
        "drift alerts on the 16 consecutive daily windows 16-31 Jan 2001: " + rate(baseline, days));
    System.out.println(
        "  the same without day_of_week (one weekday per day): "
            + rate(baseline, days, FEATURES.subList(0, 4), DriftFigures::threshold));
    System.out.println(
        "  the random windows at the offline thresholds (DriftDefaults): "
            + rate(baseline, windows, FEATURES, DriftDefaults::threshold));
    DriftFigures.Comparison halves =
        DriftFigures.compare(
            baseline, profile(january, all(january), 1), FEATURES, Optional.empty());
    StringBuilder effects = new StringBuilder();
    halves
        .features()
        .forEach(
            f ->
                effects.append(
                    String.format(
                        " %s %s=%.4f",
                        f.column(), f.result().method().label(), f.result().effectSize())));
    System.out.println("  whole second half against the first:" + effects);
    assertThat(sampled.value()).isLessThanOrEqualTo(0.01);
  }

  @Test
  void aRealShiftRaisesTheDefaultDriftAlert() {
    DatasetProfile baseline = profile(reference, all(reference), 1);
    SplittableRandom random = new SplittableRandom(7);
    List<DatasetProfile> kilometres = new ArrayList<>();
    List<DatasetProfile> summer = new ArrayList<>();
    for (int w = 0; w < 50; w++) {
      kilometres.add(profile(january, sample(january, size(random), random), 1.609344));
      summer.add(profile(june, sample(june, size(random), random), 1));
    }
    Rate km = rate(baseline, kilometres);
    Rate jun = rate(baseline, summer);
    System.out.println("drift alerts on windows with distances in kilometres: " + km);
    System.out.println("drift alerts on June windows against 1-15 Jan: " + jun);
    assertThat(km.alerts()).isEqualTo(km.windows());
  }
}
