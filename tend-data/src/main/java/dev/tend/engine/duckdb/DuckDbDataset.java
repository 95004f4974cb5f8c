package dev.tend.engine.duckdb;

import static java.util.Objects.requireNonNull;

import dev.tend.engine.Dataset;
import dev.tend.engine.EngineOptions;
import dev.tend.engine.InvalidMetricException;
import dev.tend.engine.RowSink;
import dev.tend.engine.SplitResult;
import dev.tend.engine.ValueCountSink;
import dev.tend.expr.Expr;
import dev.tend.expr.SqlDialect;
import dev.tend.expr.SqlRenderer;
import dev.tend.metric.Metric;
import dev.tend.metric.MetricValues;
import dev.tend.schema.Column;
import dev.tend.schema.Schema;
import dev.tend.source.DataException;
import dev.tend.source.DataSource;
import dev.tend.source.Format;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;
import org.duckdb.DuckDBConnection;

/*
 * A dataset is a temp view (files) or a temp table plus view (JDBC) on its own connection. Every
 * query goes through query()/execute(), which count statements (tests use the count to prove
 * that metrics fuse into one SELECT) and turn SQLExceptions into DataExceptions that name the
 * source and the action; CSV parse failures become MalformedInputException with file and line.
 */
final class DuckDbDataset implements Dataset {
  private static final SqlRenderer RENDERER = SqlRenderer.of(SqlDialect.DUCKDB);
  private static final int MAX_GROUPING_COLUMNS = 60;

  private final DuckDBConnection connection;
  private volatile Statement running;
  private final DataSource source;
  private final Relation relation;
  private int statements;
  private boolean closed;

  private DuckDbDataset(DuckDBConnection connection, DataSource source, Relation relation) {
    this.connection = connection;
    this.source = source;
    this.relation = relation;
  }

  static DuckDbDataset open(DuckDBConnection connection, DataSource source, EngineOptions options) {
    return switch (source) {
      case DataSource.Files files -> openFiles(connection, files);
      case DataSource.JdbcQuery query -> openJdbc(connection, query, options);
    };
  }

  private static DuckDbDataset openFiles(DuckDBConnection connection, DataSource.Files files) {
    FileRelations.Plan plan = FileRelations.plan(files);
    Relation provisional =
        new Relation(
            new Schema(List.of()),
            FileRelations.VIEW,
            plan.numbered(),
            plan.multiFile(),
            List.of("DROP VIEW IF EXISTS " + FileRelations.VIEW),
            plan.csvDiagnosis());
    DuckDbDataset dataset = new DuckDbDataset(connection, files, provisional);
    dataset.execute(plan.createView(), "open");
    Schema schema = dataset.describe();
    return new DuckDbDataset(
        connection,
        files,
        new Relation(
            schema,
            provisional.data(),
            provisional.numbered(),
            provisional.multiFile(),
            provisional.dropStatements(),
            provisional.csvDiagnosis()));
  }

  private static DuckDbDataset openJdbc(
      DuckDBConnection connection, DataSource.JdbcQuery query, EngineOptions options) {
    Schema schema = JdbcLoader.load(connection, query, options.fetchSize());
    String view = FileRelations.VIEW;
    Relation relation =
        new Relation(
            schema,
            view,
            "SELECT "
                + JdbcLoader.ROW_COLUMN
                + " AS _row, * EXCLUDE ("
                + JdbcLoader.ROW_COLUMN
                + ") FROM "
                + JdbcLoader.TABLE,
            false,
            List.of("DROP VIEW IF EXISTS " + view, "DROP TABLE IF EXISTS " + JdbcLoader.TABLE),
            null);
    DuckDbDataset dataset = new DuckDbDataset(connection, query, relation);
    dataset.execute(
        "CREATE TEMP VIEW "
            + view
            + " AS SELECT * EXCLUDE ("
            + JdbcLoader.ROW_COLUMN
            + ") FROM "
            + JdbcLoader.TABLE,
        "open");
    return dataset;
  }

  private Schema describe() {
    List<Column> columns = new ArrayList<>();
    query(
        "DESCRIBE SELECT * FROM " + relation.data(),
        "read the schema of",
        rs -> {
          while (rs.next()) {
            String type = rs.getString("column_type");
            columns.add(new Column(rs.getString("column_name"), Types.fromDuckDb(type), type));
          }
          return null;
        });
    return new Schema(columns);
  }

  @Override
  public Schema schema() {
    return relation.schema();
  }

  @Override
  public MetricValues compute(Collection<Metric> metrics) {
    requireNonNull(metrics, "metrics is null");
    List<Metric> distinct = List.copyOf(new LinkedHashSet<>(metrics));
    if (distinct.isEmpty()) {
      return MetricValues.of(Map.of());
    }
    MetricSql sql = new MetricSql(relation.schema());
    List<String> expressions = new ArrayList<>(distinct.size());
    for (Metric metric : distinct) {
      expressions.add(sql.render(metric));
    }
    String select = "SELECT " + String.join(",\n  ", expressions) + "\nFROM " + relation.data();
    return query(
        select,
        "compute " + distinct.size() + " metrics over",
        rs -> {
          rs.next();
          Map<Metric, Double> values = new HashMap<>();
          for (int i = 0; i < distinct.size(); i++) {
            double value = rs.getDouble(i + 1);
            values.put(distinct.get(i), rs.wasNull() ? null : value);
          }
          return MetricValues.of(values);
        });
  }

  @Override
  public List<Map<String, Object>> sampleRows(Expr predicate, Optional<Expr> where, int limit) {
    requireNonNull(predicate, "predicate is null");
    requireNonNull(where, "where is null");
    String condition = "(" + RENDERER.render(predicate) + ")" + and(where);
    String order = relation.multiFile() ? "_file, _row" : "_row";
    return rows(
        "SELECT * FROM ("
            + relation.numbered()
            + ") WHERE "
            + condition
            + " ORDER BY "
            + order
            + " LIMIT "
            + checkLimit(limit),
        "sample rows of");
  }

  @Override
  public List<Map<String, Object>> duplicateRows(
      List<String> keys, Optional<Expr> where, int limit) {
    requireNonNull(keys, "keys is null");
    requireNonNull(where, "where is null");
    if (keys.isEmpty()) {
      throw new InvalidMetricException("duplicate rows need at least one key column");
    }
    List<String> quoted = new ArrayList<>();
    for (String key : keys) {
      if (!relation.schema().has(key)) {
        throw new InvalidMetricException(
            "duplicate key column '"
                + key
                + "' is not in the dataset; its columns are "
                + relation.schema().names());
      }
      quoted.add(SqlRenderer.quoteIdentifier(key));
    }
    String keyList = String.join(", ", quoted);
    String notNull =
        quoted.stream().map(k -> k + " IS NOT NULL").collect(Collectors.joining(" AND "));
    String filter = where.map(w -> " AND (" + RENDERER.render(w) + ")").orElse("");
    String order = relation.multiFile() ? "_file, _row" : "_row";
    return rows(
        "SELECT * FROM (SELECT *, count(*) OVER (PARTITION BY "
            + keyList
            + ") AS "
            + DUPLICATES
            + " FROM ("
            + relation.numbered()
            + ") WHERE "
            + notNull
            + filter
            + ") WHERE "
            + DUPLICATES
            + " > 1 ORDER BY "
            + keyList
            + ", "
            + order
            + " LIMIT "
            + checkLimit(limit),
        "find duplicate rows of");
  }

  @Override
  public SplitResult split(Expr invalidPredicate, Path validOut, Path invalidOut) {
    requireNonNull(invalidPredicate, "invalidPredicate is null");
    String predicate = "(" + RENDERER.render(invalidPredicate) + ")";
    long valid = copy("(" + predicate + " IS NOT TRUE)", validOut);
    long invalid = copy("(" + predicate + " IS TRUE)", invalidOut);
    return new SplitResult(validOut, valid, invalidOut, invalid);
  }

  @Override
  public long export(Path out) {
    requireNonNull(out, "out is null");
    return copy("TRUE", out);
  }

  private long copy(String condition, Path out) {
    String options = copyOptions(out);
    String sql =
        "COPY (SELECT * FROM "
            + relation.data()
            + " WHERE "
            + condition
            + ") TO "
            + SqlRenderer.quoteString(out.toAbsolutePath().toString())
            + " ("
            + options
            + ")";
    return update(sql, "write " + out + " from");
  }

  private static String copyOptions(Path out) {
    Format format =
        Format.fromFileName(out.getFileName().toString())
            .orElseThrow(
                () ->
                    new DataException(
                        "cannot tell the format to write "
                            + out
                            + " in; end its name with .csv, .parquet, .json or .jsonl"));
    return switch (format) {
      case CSV -> "FORMAT csv, HEADER true";
      case PARQUET -> "FORMAT parquet";
      case JSON -> "FORMAT json, ARRAY true";
      case JSON_LINES -> "FORMAT json";
    };
  }

  @Override
  public void scanValueCounts(List<String> columns, Optional<Expr> where, ValueCountSink sink) {
    requireNonNull(columns, "columns is null");
    requireNonNull(where, "where is null");
    requireNonNull(sink, "sink is null");
    List<Column> resolved = new ArrayList<>();
    for (String name : columns) {
      resolved.add(
          relation
              .schema()
              .column(name)
              .orElseThrow(
                  () ->
                      new InvalidMetricException(
                          "cannot count values of column '"
                              + name
                              + "', which the dataset lacks; its columns are "
                              + relation.schema().names())));
    }
    for (int from = 0; from < resolved.size(); from += MAX_GROUPING_COLUMNS) {
      int to = Math.min(resolved.size(), from + MAX_GROUPING_COLUMNS);
      ValueCounts.scan(
          this,
          resolved.subList(from, to),
          where.map(w -> " WHERE (" + RENDERER.render(w) + ")").orElse(""),
          from,
          sink);
    }
  }

  @Override
  public void scanRows(List<String> columns, Optional<Expr> where, RowSink sink) {
    requireNonNull(columns, "columns is null");
    requireNonNull(where, "where is null");
    requireNonNull(sink, "sink is null");
    List<Column> resolved = new ArrayList<>();
    for (String name : columns) {
      resolved.add(
          relation
              .schema()
              .column(name)
              .orElseThrow(
                  () ->
                      new InvalidMetricException(
                          "cannot read column '"
                              + name
                              + "', which the dataset lacks; its columns are "
                              + relation.schema().names())));
    }
    RowScan.scan(
        this, resolved, where.map(w -> " WHERE (" + RENDERER.render(w) + ")").orElse(""), sink);
  }

  String dataRelation() {
    return relation.data();
  }

  /** Statements this dataset sent to DuckDB since it was opened. */
  int statementsExecuted() {
    return statements;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try (Statement statement = connection.createStatement()) {
      for (String drop : relation.dropStatements()) {
        statement.execute(drop);
      }
    } catch (SQLException e) {
      Sql.closeQuietly(connection, e);
      throw new DataException(
          "cannot drop the temporary tables of " + source.describe() + ": " + Sql.message(e), e);
    }
    try {
      connection.close();
    } catch (SQLException e) {
      throw new DataException(
          "cannot close the connection of " + source.describe() + ": " + Sql.message(e), e);
    }
  }

  @Override
  public OptionalDouble progress() {
    Statement statement = running;
    if (statement == null) {
      return OptionalDouble.empty();
    }
    try {
      double percentage =
          statement
              .unwrap(org.duckdb.DuckDBPreparedStatement.class)
              .getQueryProgress()
              .getPercentage();
      return percentage < 0 ? OptionalDouble.empty() : OptionalDouble.of(Math.min(100, percentage));
    } catch (SQLException | RuntimeException e) {
      return OptionalDouble.empty();
    }
  }

  @FunctionalInterface
  interface ResultReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  <T> T query(String sql, String action, ResultReader<T> reader) {
    if (closed) {
      throw new IllegalStateException("the dataset " + source.describe() + " is closed");
    }
    statements++;
    try (Statement statement = connection.createStatement()) {
      running = statement;
      if (!statement.execute(sql)) {
        throw new IllegalStateException("statement returned no result: " + sql);
      }
      try (ResultSet rs = statement.getResultSet()) {
        return reader.read(rs);
      }
    } catch (SQLException e) {
      throw failure(action, e);
    } finally {
      running = null;
    }
  }

  private long update(String sql, String action) {
    statements++;
    try (Statement statement = connection.createStatement()) {
      running = statement;
      statement.execute(sql);
      return statement.getLargeUpdateCount();
    } catch (SQLException e) {
      throw failure(action, e);
    } finally {
      running = null;
    }
  }

  private void execute(String sql, String action) {
    statements++;
    try (Statement statement = connection.createStatement()) {
      running = statement;
      statement.execute(sql);
    } catch (SQLException e) {
      throw failure(action, e);
    } finally {
      running = null;
    }
  }

  private DataException failure(String action, SQLException e) {
    if (relation.csvDiagnosis() != null && CsvDiagnosis.isCsvError(e)) {
      return relation.csvDiagnosis().diagnose(connection, e);
    }
    return new DataException(
        "cannot " + action + " " + source.describe() + ": " + Sql.message(e), e);
  }

  private List<Map<String, Object>> rows(String sql, String action) {
    return query(
        sql,
        action,
        rs -> {
          ResultSetMetaData meta = rs.getMetaData();
          List<Map<String, Object>> rows = new ArrayList<>();
          while (rs.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
              row.put(meta.getColumnLabel(i), javaValue(rs.getObject(i)));
            }
            rows.add(row);
          }
          return rows;
        });
  }

  private static Object javaValue(Object value) {
    return switch (value) {
      case null -> null;
      case Boolean b -> b;
      case Long l -> l;
      case Integer i -> i.longValue();
      case Short s -> s.longValue();
      case Byte b -> b.longValue();
      case BigInteger big -> big.bitLength() < 64 ? (Object) big.longValue() : big.toString();
      case Double d -> d;
      case Float f -> f.doubleValue();
      case BigDecimal d -> d.doubleValue();
      case String s -> s;
      case Timestamp t -> t.toLocalDateTime();
      case java.sql.Date d -> d.toLocalDate();
      case java.time.temporal.Temporal t -> t;
      default -> value.toString();
    };
  }

  private static String and(Optional<Expr> where) {
    return where.map(w -> " AND (" + RENDERER.render(w) + ")").orElse("");
  }

  private static int checkLimit(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative: " + limit);
    }
    return limit;
  }
}
