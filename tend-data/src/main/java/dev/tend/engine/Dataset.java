package dev.tend.engine;

import dev.tend.expr.Expr;
import dev.tend.metric.Metric;
import dev.tend.metric.MetricValues;
import dev.tend.schema.Schema;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * An opened source the engine can query. Row maps returned by the sampling methods hold {@link
 * #ROW} (the 1-based row number within its file; for CSV with a header the line is {@code _row + 1}
 * unless quoted fields span lines), {@link #FILE} when the dataset has several files, then the
 * columns in schema order with values of type Boolean, Long, Double, String, {@link
 * java.time.LocalDate}, {@link java.time.LocalDateTime}, {@link java.time.OffsetDateTime}, or the
 * text of other types.
 *
 * <p>Not thread-safe: use a dataset from one thread at a time. Closing it drops its temporary views
 * and tables.
 */
public interface Dataset extends AutoCloseable {
  /** Key of the 1-based row number in sampled rows. */
  String ROW = "_row";

  /** Key of the file a sampled row comes from, present when a dataset spans several files. */
  String FILE = "_file";

  /** Key of how many rows share a duplicated key, in {@link #duplicateRows}. */
  String DUPLICATES = "_duplicates";

  Schema schema();

  /**
   * Computes all {@code metrics} in one pass over the data; equal metrics are computed once.
   * Temporal MIN, MAX, MEAN, STDDEV and QUANTILE are in epoch microseconds; MEAN and SUM of a
   * boolean column count TRUE as 1; MIN, MAX, SUM, STDDEV and QUANTILE of string or boolean columns
   * are rejected; lengths apply to any column's text.
   *
   * @throws InvalidMetricException if a metric names an unknown column or does not fit its type
   */
  MetricValues compute(Collection<Metric> metrics);

  /**
   * Up to {@code limit} rows for which {@code predicate} is TRUE (and {@code where}, when given),
   * in file order.
   */
  List<Map<String, Object>> sampleRows(Expr predicate, Optional<Expr> where, int limit);

  /**
   * Up to {@code limit} rows whose {@code keys} (all non-null) occur more than once, grouped by key
   * and in file order within a key; each row carries {@link #DUPLICATES}.
   */
  List<Map<String, Object>> duplicateRows(List<String> keys, Optional<Expr> where, int limit);

  /**
   * Writes the rows for which {@code invalidPredicate} is not TRUE to {@code validOut} and the
   * others to {@code invalidOut}, in a format that follows each extension (csv, parquet, json,
   * jsonl).
   */
  SplitResult split(Expr invalidPredicate, Path validOut, Path invalidOut);

  /**
   * Writes every row, in order and with exactly the schema's columns, to {@code out} in the format
   * its extension names (csv, parquet, json, jsonl), replacing a file there; returns the rows
   * written. Turns a JDBC query into a file that can be versioned.
   *
   * @throws dev.tend.source.DataException if the format cannot be told or the file not written
   */
  long export(Path out);

  /**
   * Streams, in one scan, every distinct value of each column with its number of rows: the sink
   * gets the index into {@code columns}, the value (null for missing values, Boolean, Long for
   * integers and for dates and timestamps in epoch microseconds, Double, or String) and the count.
   * Values of a column arrive in no particular order, and columns may interleave.
   */
  default void scanValueCounts(List<String> columns, ValueCountSink sink) {
    scanValueCounts(columns, Optional.empty(), sink);
  }

  /** As {@link #scanValueCounts(List, ValueCountSink)}, over the rows {@code where} accepts. */
  void scanValueCounts(List<String> columns, Optional<Expr> where, ValueCountSink sink);

  /**
   * Streams the values of {@code columns} row by row, in one scan in file order (DuckDB keeps
   * insertion order), over the rows {@code where} accepts. Values are null, Boolean, Long
   * (integers, and dates and timestamps in epoch microseconds, read as UTC), Double or String, as
   * in {@link #scanValueCounts}. Rows are fetched in batches, so memory does not grow with the
   * dataset.
   *
   * @throws InvalidMetricException if a column is not in the dataset
   */
  void scanRows(List<String> columns, Optional<Expr> where, RowSink sink);

  /**
   * How far the statement running now has got, in percent, when the engine can tell; safe to call
   * from another thread (a progress bar).
   */
  default OptionalDouble progress() {
    return OptionalDouble.empty();
  }

  @Override
  void close();
}
