package dev.tend.serving.log;

import dev.tend.expr.SqlRenderer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/*
 * The compacted log: parquet/deployment=<d>/date=<yyyy-mm-dd>/part-<segment id>.parquet, one file
 * per partition a segment's records fall in (date in UTC). A part file counts only once its
 * segment is gone from the WAL: a crash between writing the parts and deleting the segment leaves
 * parts that queries ignore and the next compaction rewrites, so no record is ever read twice.
 *
 * One in-memory DuckDB database, opened on first use; each operation works on its own duplicate
 * connection. Writes are serialized by the caller.
 */
final class ParquetStore implements AutoCloseable {
  static final String FORMAT_VERSION = "1";
  private static final Pattern PART = Pattern.compile("part-(\\d{20})\\.parquet");

  private final Path root;
  private DuckDBConnection duckdb;

  ParquetStore(Path root) {
    this.root = root;
  }

  /** A partition of the compacted log. */
  record Partition(String deployment, LocalDate date) {
    static Partition of(PredictionRecord record) {
      return new Partition(
          record.deployment(), LocalDate.ofInstant(record.timestamp(), ZoneOffset.UTC));
    }
  }

  Path directory(Partition partition) {
    return root.resolve("deployment=" + partition.deployment()).resolve("date=" + partition.date());
  }

  static String partName(long segmentId) {
    return String.format("part-%020d.parquet", segmentId);
  }

  /**
   * Writes a segment's records as one part file per partition, each replacing any earlier; returns
   * how many files.
   */
  int write(long segmentId, List<PredictionRecord> records) throws IOException, SQLException {
    Map<Partition, List<PredictionRecord>> partitions =
        new TreeMap<>(Comparator.comparing(Partition::deployment).thenComparing(Partition::date));
    for (PredictionRecord record : records) {
      partitions.computeIfAbsent(Partition.of(record), p -> new ArrayList<>()).add(record);
    }
    try (DuckDBConnection connection = connection()) {
      for (Map.Entry<Partition, List<PredictionRecord>> entry : partitions.entrySet()) {
        writePart(connection, directory(entry.getKey()), segmentId, entry.getValue());
      }
    }
    return partitions.size();
  }

  private void writePart(
      DuckDBConnection connection, Path directory, long segmentId, List<PredictionRecord> records)
      throws IOException, SQLException {
    Files.createDirectories(directory);
    Path part = directory.resolve(partName(segmentId));
    Path temporary = directory.resolve("." + part.getFileName() + ".tmp");
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE OR REPLACE TABLE staging (prediction_id VARCHAR, deployment VARCHAR,"
              + " environment VARCHAR, model_name VARCHAR, model_version VARCHAR, ts_us BIGINT,"
              + " latency_us BIGINT, request_id VARCHAR, inputs VARCHAR, outputs VARCHAR)");
      try (DuckDBAppender appender = connection.createAppender("staging")) {
        for (PredictionRecord r : records) {
          appender.beginRow();
          appender.append(r.predictionId());
          appender.append(r.deployment());
          appender.append(r.environment());
          appender.append(r.modelName());
          appender.append(r.modelVersion());
          appender.append(r.timestampMicros());
          appender.append(r.latencyMicros());
          if (r.requestId().isPresent()) {
            appender.append(r.requestId().get());
          } else {
            appender.appendNull();
          }
          appender.append(r.inputs());
          appender.append(r.outputs());
          appender.endRow();
        }
      }
      statement.execute(
          "COPY (SELECT prediction_id, deployment, environment, model_name, model_version,"
              + " make_timestamp(ts_us) AS ts, latency_us, request_id, inputs, outputs"
              + " FROM staging ORDER BY ts_us, prediction_id) TO "
              + SqlRenderer.quoteString(temporary.toString())
              + " (FORMAT parquet, COMPRESSION zstd,"
              + " KV_METADATA {tend_prediction_log_format: '"
              + FORMAT_VERSION
              + "', tend_segment: '"
              + segmentId
              + "'})");
      statement.execute("DROP TABLE staging");
    }
    try (FileChannel file = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
      file.force(true);
    }
    Files.move(
        temporary, part, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Segments.forceDirectory(directory);
    Segments.forceDirectory(directory.getParent());
    Segments.forceDirectory(root);
  }

  /** The records in part files matching {@code query}, leaving out parts of live segments. */
  List<PredictionRecord> query(PredictionQuery query, Set<Long> liveSegments)
      throws IOException, SQLException {
    List<Path> parts = parts(query, liveSegments);
    if (parts.isEmpty()) {
      return List.of();
    }
    StringBuilder files = new StringBuilder();
    for (Path part : parts) {
      files.append(files.isEmpty() ? "" : ", ").append(SqlRenderer.quoteString(part.toString()));
    }
    StringBuilder sql =
        new StringBuilder("SELECT prediction_id, deployment, environment, model_name,")
            .append(" model_version, epoch_us(ts) AS ts_us, latency_us, request_id, inputs,")
            .append(" outputs FROM read_parquet([")
            .append(files)
            .append("]) WHERE ts >= make_timestamp(?) AND ts < make_timestamp(?)");
    if (query.deployment().isPresent()) {
      sql.append(" AND deployment = ?");
    }
    List<String> ids = List.copyOf(query.predictionIds());
    if (!ids.isEmpty()) {
      sql.append(" AND prediction_id IN (").append("?, ".repeat(ids.size() - 1)).append("?)");
    }
    if (query.afterId().isPresent()) {
      /* Ids are visible ASCII, which DuckDB and Java order alike. */
      sql.append(" AND (ts > make_timestamp(?) OR prediction_id > ?)");
    }
    sql.append(" ORDER BY ts, prediction_id LIMIT ?");
    try (DuckDBConnection connection = connection();
        PreparedStatement statement = connection.prepareStatement(sql.toString())) {
      int p = 1;
      statement.setLong(p++, micros(query.from()));
      statement.setLong(p++, micros(query.to()));
      if (query.deployment().isPresent()) {
        statement.setString(p++, query.deployment().get());
      }
      for (String id : ids) {
        statement.setString(p++, id);
      }
      if (query.afterId().isPresent()) {
        statement.setLong(p++, micros(query.from()));
        statement.setString(p++, query.afterId().get());
      }
      statement.setInt(p, query.limit());
      List<PredictionRecord> records = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          records.add(
              new PredictionRecord(
                  rows.getString(1),
                  rows.getString(2),
                  rows.getString(3),
                  rows.getString(4),
                  rows.getString(5),
                  rows.getString(9),
                  rows.getString(10),
                  rows.getLong(7),
                  Instant.EPOCH.plus(rows.getLong(6), ChronoUnit.MICROS),
                  Optional.ofNullable(rows.getString(8))));
        }
      }
      return records;
    }
  }

  /* Part files of the partitions the query's deployment and dates can fall in. */
  private List<Path> parts(PredictionQuery query, Set<Long> liveSegments) throws IOException {
    List<Path> parts = new ArrayList<>();
    LocalDate first = LocalDate.ofInstant(query.from(), ZoneOffset.UTC);
    LocalDate last = LocalDate.ofInstant(query.to(), ZoneOffset.UTC);
    for (Path deployment : children(root, "deployment=*")) {
      String name = deployment.getFileName().toString().substring("deployment=".length());
      if (query.deployment().isPresent() && !query.deployment().get().equals(name)) {
        continue;
      }
      for (Path date : children(deployment, "date=*")) {
        Optional<LocalDate> day = date(date);
        if (day.isEmpty() || day.get().isBefore(first) || day.get().isAfter(last)) {
          continue;
        }
        for (Path part : children(date, "part-*.parquet")) {
          Matcher m = PART.matcher(part.getFileName().toString());
          if (m.matches() && !liveSegments.contains(Long.parseLong(m.group(1)))) {
            parts.add(part);
          }
        }
      }
    }
    return parts;
  }

  /** Deletes the partitions dated before {@code cutoff}; returns how many. */
  int deleteBefore(LocalDate cutoff) throws IOException {
    int deleted = 0;
    for (Path deployment : children(root, "deployment=*")) {
      for (Path date : children(deployment, "date=*")) {
        Optional<LocalDate> day = date(date);
        if (day.isPresent() && day.get().isBefore(cutoff)) {
          deleteTree(date);
          deleted++;
        }
      }
    }
    return deleted;
  }

  /** Deletes part files a crash left half-written. */
  void removeTemporaryFiles() throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  @Override
  public synchronized void close() throws SQLException {
    if (duckdb != null) {
      duckdb.close();
      duckdb = null;
    }
  }

  private synchronized DuckDBConnection connection() throws SQLException {
    if (duckdb == null) {
      duckdb = DriverManager.getConnection("jdbc:duckdb:").unwrap(DuckDBConnection.class);
    }
    return duckdb.duplicate();
  }

  private static Optional<LocalDate> date(Path directory) {
    try {
      return Optional.of(
          LocalDate.parse(directory.getFileName().toString().substring("date=".length())));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static List<Path> children(Path directory, String glob) throws IOException {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(directory, glob)) {
      List<Path> list = new ArrayList<>();
      children.forEach(list::add);
      list.sort(null);
      return list;
    }
  }

  private static void deleteTree(Path directory) throws IOException {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  private static long micros(Instant instant) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
  }
}
