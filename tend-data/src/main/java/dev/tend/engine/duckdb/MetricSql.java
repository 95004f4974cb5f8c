package dev.tend.engine.duckdb;

import dev.tend.engine.InvalidMetricException;
import dev.tend.expr.Expr;
import dev.tend.expr.SqlDialect;
import dev.tend.expr.SqlRenderer;
import dev.tend.metric.Metric;
import dev.tend.metric.Stat;
import dev.tend.schema.Column;
import dev.tend.schema.DataType;
import dev.tend.schema.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Renders one metric as one DuckDB aggregate expression yielding a DOUBLE (or NULL). */
final class MetricSql {
  private static final SqlRenderer RENDERER = SqlRenderer.of(SqlDialect.DUCKDB);

  private final Schema schema;

  MetricSql(Schema schema) {
    this.schema = schema;
  }

  String render(Metric metric) {
    return switch (metric) {
      case Metric.RowCount m -> count(filter(List.of(), m.where()));
      case Metric.CountWhere m ->
          count(filter(List.of("(" + RENDERER.render(m.predicate()) + ")"), m.where()));
      case Metric.Aggregate m -> aggregate(m);
      case Metric.DistinctCount m -> distinct(m);
    };
  }

  private String aggregate(Metric.Aggregate metric) {
    Column column = column(metric.column(), metric);
    String name = SqlRenderer.quoteIdentifier(column.name());
    DataType type = column.type();
    String value =
        switch (type) {
          case DATE -> "epoch_us(CAST(" + name + " AS TIMESTAMP))";
          case TIMESTAMP -> "epoch_us(" + name + ")";
          case BOOLEAN -> "CAST(" + name + " AS INTEGER)";
          default -> name;
        };
    String text = "length(CAST(" + name + " AS VARCHAR))";
    String filter = filter(List.of(), metric.where());
    String sql =
        switch (metric.stat()) {
          case NULL_COUNT -> count(filter(List.of(name + " IS NULL"), metric.where()));
          case MIN -> "min(" + orderable(metric, column, value) + ")" + filter;
          case MAX -> "max(" + orderable(metric, column, value) + ")" + filter;
          case MEAN -> "avg(" + summable(metric, column, value, true) + ")" + filter;
          case STDDEV -> "stddev_samp(" + summable(metric, column, value, false) + ")" + filter;
          case SUM -> "sum(" + summable(metric, column, value, true) + ")" + filter;
          case APPROX_DISTINCT -> "approx_count_distinct(" + name + ")" + filter;
          case QUANTILE ->
              "approx_quantile("
                  + orderable(metric, column, value)
                  + ", "
                  + Double.toString(metric.quantile())
                  + ")"
                  + filter;
          case MIN_LENGTH -> "min(" + text + ")" + filter;
          case MAX_LENGTH -> "max(" + text + ")" + filter;
          case MEAN_LENGTH -> "avg(" + text + ")" + filter;
        };
    return "CAST(" + sql + " AS DOUBLE)";
  }

  private static String orderable(Metric.Aggregate metric, Column column, String value) {
    if (!column.type().isNumeric() && !column.type().isTemporal()) {
      throw unfit(metric, column, "a numeric, date or timestamp column");
    }
    return value;
  }

  private static String summable(
      Metric.Aggregate metric, Column column, String value, boolean booleanAllowed) {
    boolean ok =
        column.type().isNumeric()
            || (metric.stat() != Stat.SUM && column.type().isTemporal())
            || (booleanAllowed && column.type() == DataType.BOOLEAN);
    if (!ok) {
      throw unfit(
          metric,
          column,
          metric.stat() == Stat.SUM
              ? "a numeric or boolean column"
              : booleanAllowed
                  ? "a numeric, boolean, date or timestamp column"
                  : "a numeric, date or timestamp column");
    }
    return value;
  }

  private static InvalidMetricException unfit(Metric metric, Column column, String needs) {
    return new InvalidMetricException(
        metric.key()
            + " needs "
            + needs
            + ", but '"
            + column.name()
            + "' is "
            + column.type().label()
            + " ("
            + column.sourceType()
            + ")");
  }

  private String distinct(Metric.DistinctCount metric) {
    List<String> names = new ArrayList<>();
    for (String columnName : metric.columns()) {
      names.add(SqlRenderer.quoteIdentifier(column(columnName, metric).name()));
    }
    String key = names.size() == 1 ? names.getFirst() : "row(" + String.join(", ", names) + ")";
    List<String> notNull = names.stream().map(n -> n + " IS NOT NULL").toList();
    return "CAST(count(DISTINCT " + key + ")" + filter(notNull, metric.where()) + " AS DOUBLE)";
  }

  private Column column(String name, Metric metric) {
    return schema
        .column(name)
        .orElseThrow(
            () ->
                new InvalidMetricException(
                    metric.key()
                        + " names column '"
                        + name
                        + "', which the dataset lacks; its columns are "
                        + schema.names()));
  }

  private static String count(String filter) {
    return "CAST(count(*)" + filter + " AS DOUBLE)";
  }

  private static String filter(List<String> conditions, Optional<Expr> where) {
    List<String> all = new ArrayList<>(conditions);
    where.ifPresent(w -> all.add("(" + RENDERER.render(w) + ")"));
    return all.isEmpty()
        ? ""
        : " FILTER (WHERE " + all.stream().collect(Collectors.joining(" AND ")) + ")";
  }
}
