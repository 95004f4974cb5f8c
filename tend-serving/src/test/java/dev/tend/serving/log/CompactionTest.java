package dev.tend.serving.log;

import static dev.tend.serving.log.PredictionLogTest.ids;
import static dev.tend.serving.log.Records.record;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sealed segments become Parquet partitions; queries read both; old partitions expire. */
class CompactionTest {
  private static final PredictionLogOptions OPTIONS =
      PredictionLogOptions.defaults().withoutMaintenance();
  private static final Instant DAY0 = Instant.parse("2026-11-20T23:59:59.999999Z");

  @TempDir Path dir;

  /* 3 deployments x 3 days x 4 predictions; each day starts one microsecond after DAY0. */
  private static List<PredictionRecord> spread() {
    List<PredictionRecord> records = new ArrayList<>();
    for (int day = 0; day < 3; day++) {
      for (int d = 0; d < 3; d++) {
        for (int i = 0; i < 4; i++) {
          Instant at = DAY0.plusNanos(1000).plusSeconds(86_400L * day + 60L * i + d);
          records.add(record("p-" + day + "-" + d + "-" + i, "dep" + d, at));
        }
      }
    }
    records.sort(
        java.util.Comparator.comparing(PredictionRecord::timestamp)
            .thenComparing(PredictionRecord::predictionId));
    return records;
  }

  @Test
  void compactedRecordsReadBackExactlyFromPartitionedParquet() throws Exception {
    List<PredictionRecord> records = spread();
    try (PredictionLog log = PredictionLog.open(dir, OPTIONS)) {
      records.forEach(r -> log.append(r).join());
      List<PredictionRecord> before = log.query(PredictionQuery.all(1000));
      log.roll();
      PredictionLog.CompactionReport report = log.compact();
      assertThat(report).isEqualTo(new PredictionLog.CompactionReport(1, 36, 9));
      assertThat(PredictionLogTest.segments(dir)).isEqualTo(1);
      assertThat(dir.resolve("parquet/deployment=dep1/date=2026-11-22/" + ParquetStore.partName(1)))
          .isRegularFile();
      assertThat(log.query(PredictionQuery.all(1000))).isEqualTo(before).isEqualTo(records);

      // newer predictions still in the WAL are read together with the Parquet ones
      PredictionRecord fresh = record("fresh", "dep1", DAY0.plusSeconds(86_400L * 2 + 30));
      log.append(fresh).join();
      Instant day2 = DAY0.plusNanos(1000).plusSeconds(86_400L * 2);
      assertThat(ids(log.query(PredictionQuery.of("dep1", day2, day2.plusSeconds(180), 100))))
          .containsExactly("p-2-1-0", "fresh", "p-2-1-1", "p-2-1-2");
      assertThat(ids(log.query(PredictionQuery.byIds(Set.of("fresh", "p-0-2-3", "none")))))
          .containsExactly("p-0-2-3", "fresh");
      assertThat(log.query(PredictionQuery.of("dep0", DAY0, DAY0.plusSeconds(86_400 * 5), 5)))
          .hasSize(5);
    }
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duckdb.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT decode(value) FROM parquet_kv_metadata('"
                    + dir.resolve("parquet/deployment=dep0/date=2026-11-21")
                    + "/part-*.parquet') WHERE decode(key) = 'tend_prediction_log_format'")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).isEqualTo(ParquetStore.FORMAT_VERSION);
    }
  }

  /* Many predictions share an instant; pages of 3 by keyset must still see each exactly once. */
  @Test
  void keysetPagesReadEveryPredictionOnceAcrossParquetAndTheWal() {
    List<PredictionRecord> records = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      Instant at = DAY0.plusSeconds(i / 5);
      records.add(record(String.format("p-%02d", 13 - i), "dep0", at));
    }
    records.sort(
        java.util.Comparator.comparing(PredictionRecord::timestamp)
            .thenComparing(PredictionRecord::predictionId));
    try (PredictionLog log = PredictionLog.open(dir, OPTIONS)) {
      records.subList(0, 7).forEach(r -> log.append(r).join());
      log.roll();
      log.compact();
      records.subList(7, 14).forEach(r -> log.append(r).join());
      List<PredictionRecord> read = new ArrayList<>();
      Instant end = DAY0.plusSeconds(60);
      List<PredictionRecord> page = log.query(PredictionQuery.of("dep0", Instant.EPOCH, end, 3));
      while (!page.isEmpty()) {
        read.addAll(page);
        PredictionRecord last = page.getLast();
        page =
            log.query(PredictionQuery.after("dep0", last.timestamp(), last.predictionId(), end, 3));
      }
      assertThat(ids(read)).isEqualTo(ids(records));
    }
  }

  @Test
  void aCrashBetweenWritingParquetAndDeletingTheSegmentDuplicatesNothing() throws Exception {
    List<PredictionRecord> records = spread();
    Path saved = dir.resolve("segment-copy");
    Path logDir = dir.resolve("log");
    try (PredictionLog log = PredictionLog.open(logDir, OPTIONS)) {
      records.forEach(r -> log.append(r).join());
      log.roll();
      Files.copy(Segments.file(logDir.resolve("wal"), 1), saved);
      log.compact();
    }
    // as if the process died after writing the Parquet parts but before deleting the segment
    Files.copy(saved, Segments.file(logDir.resolve("wal"), 1), StandardCopyOption.REPLACE_EXISTING);
    // and while writing one part again: a half-written temporary file
    Files.writeString(
        logDir.resolve("parquet/deployment=dep0/date=2026-11-21/.part-x.parquet.tmp"), "half");
    try (PredictionLog log = PredictionLog.open(logDir, OPTIONS)) {
      assertThat(log.query(PredictionQuery.all(1000))).isEqualTo(records);
      assertThat(log.compact().segments()).isEqualTo(2); // segment 1 again, and an empty one
      assertThat(log.query(PredictionQuery.all(1000))).isEqualTo(records);
    }
    try (Stream<Path> files = Files.walk(logDir.resolve("parquet"))) {
      assertThat(files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()))
          .hasSize(9)
          .allMatch(name -> name.equals(ParquetStore.partName(1)));
    }
  }

  @Test
  void retentionDeletesPartitionsOlderThanItsDays() {
    LocalDate today = LocalDate.of(2026, 11, 27);
    Instant midnight = today.atStartOfDay().toInstant(ZoneOffset.UTC);
    try (PredictionLog log = PredictionLog.open(dir, OPTIONS.withRetentionDays(30))) {
      for (int daysAgo : new int[] {40, 31, 30, 1}) {
        log.append(record("ago-" + daysAgo, "d", midnight.minusSeconds(86_400L * daysAgo - 5)))
            .join();
      }
      log.roll();
      log.compact();
      assertThat(log.applyRetention(today)).isEqualTo(2);
      assertThat(ids(log.query(PredictionQuery.all(100)))).containsExactly("ago-30", "ago-1");
      assertThat(dir.resolve("parquet/deployment=d/date=2026-10-18")).doesNotExist();
      assertThat(dir.resolve("parquet/deployment=d/date=2026-10-28")).isDirectory();
      assertThat(log.applyRetention(today)).isZero();
    }
  }
}
