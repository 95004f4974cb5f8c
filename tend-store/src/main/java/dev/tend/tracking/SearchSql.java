package dev.tend.tracking;

import dev.tend.store.Database.Dialect;
import dev.tend.tracking.search.Filter;
import dev.tend.tracking.search.Filter.Comparator;
import dev.tend.tracking.search.Filter.Entity;
import dev.tend.tracking.search.Filter.Key;
import dev.tend.tracking.search.FilterParser;
import dev.tend.tracking.search.LikePatterns;
import dev.tend.tracking.search.OrderKey;
import dev.tend.tracking.search.SearchTarget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compiles searches into one parameterized SQL query that runs on SQLite and PostgreSQL. Every
 * value from the request is a bind parameter; the only text pasted into SQL are table aliases,
 * column names from fixed maps, and comparison operators from the closed {@link Comparator} set.
 *
 * <p>Each metric, param or tag a search names is LEFT JOINed once by its (run, key) primary key, so
 * a comparison on a missing key is NULL and never true, as in MLflow; {@code OR} and parentheses
 * are plain SQL boolean logic. Ordering puts values first, then NaN, then missing keys, in either
 * direction, and ends with {@code start_time DESC, run_uuid} as MLflow's does.
 */
final class SearchSql {
  /** A query and its bind parameters. */
  record Query(String sql, Map<String, Object> binds) {}

  static final String RUN_COLUMNS =
      "r.run_uuid, r.experiment_id, r.run_name, r.user_id, r.status, r.start_time, r.end_time,"
          + " r.lifecycle_stage, r.artifact_uri";
  static final String EXPERIMENT_COLUMNS =
      "e.experiment_id, e.project_id, e.name, e.artifact_location, e.lifecycle_stage,"
          + " e.creation_time, e.last_update_time";

  private static final Map<String, String> RUN_ATTRIBUTES =
      Map.of(
          "run_id", "r.run_uuid",
          "run_name", "r.run_name",
          "status", "r.status",
          "user_id", "r.user_id",
          "artifact_uri", "r.artifact_uri",
          "start_time", "r.start_time",
          "end_time", "r.end_time");
  private static final Map<String, String> EXPERIMENT_ATTRIBUTES =
      Map.of(
          "experiment_id", "e.experiment_id",
          "name", "e.name",
          "creation_time", "e.creation_time",
          "last_update_time", "e.last_update_time");
  private static final Set<String> NUMERIC_ATTRIBUTES =
      Set.of("start_time", "end_time", "experiment_id", "creation_time", "last_update_time");
  private static final Map<String, String> DATASET_COLUMNS =
      Map.of("name", "ri.dataset_name", "digest", "ri.digest", "context", "ri.context");

  private final Dialect dialect;
  private final SearchTarget target;
  private final Map<String, Object> binds = new LinkedHashMap<>();
  private final Map<Key, String> aliases = new LinkedHashMap<>();
  private final List<String> joins = new ArrayList<>();
  /* Compare metrics, params and tags by a per-run EXISTS probe instead of a join. */
  private boolean probes;

  private SearchSql(Dialect dialect, SearchTarget target) {
    this.dialect = dialect;
    this.target = target;
  }

  /** The page of runs {@code search} asks for, from row {@code offset}, one row more than asked. */
  static Query runs(RunSearch search, Dialect dialect, int offset) {
    return runs(search, dialect, offset, false).orElseThrow();
  }

  /**
   * When the first order key is a metric: the same page, but only among runs that have a number for
   * that metric, driven by the (key, value) index of the latest metrics in the requested direction,
   * so a page of a large filtered search reads only about as many runs as it needs. Those runs come
   * first in the full order, so when this query fills the page (returns one row more than asked),
   * its rows are the page; otherwise run {@link #runs}.
   */
  static Optional<Query> runsByMetricIndex(RunSearch search, Dialect dialect, int offset) {
    return runs(search, dialect, offset, true);
  }

  private static Optional<Query> runs(
      RunSearch search, Dialect dialect, int offset, boolean byMetricIndex) {
    SearchSql sql = new SearchSql(dialect, SearchTarget.RUNS);
    Optional<Filter> filter = FilterParser.parse(search.filter(), SearchTarget.RUNS);
    List<OrderKey> order = orderKeys(search.orderBy(), SearchTarget.RUNS);
    String from = "runs r";
    List<String> where = new ArrayList<>();
    List<String> orderBy = new ArrayList<>();
    List<OrderKey> rest = order;
    if (byMetricIndex) {
      if (order.isEmpty() || order.get(0).key().entity() != Entity.METRIC) {
        return Optional.empty();
      }
      OrderKey first = order.get(0);
      // Probes keep the planner from driving the query by a filter's index instead of j0's.
      sql.probes = true;
      sql.aliases.put(first.key(), "j0");
      // SQLite keeps the left table of a CROSS JOIN in the outer loop: the index scan drives.
      from =
          dialect == Dialect.SQLITE
              ? "latest_metrics j0 CROSS JOIN runs r"
              : "latest_metrics j0 JOIN runs r ON r.run_uuid = j0.run_uuid";
      if (dialect == Dialect.SQLITE) {
        where.add("r.run_uuid = j0.run_uuid");
      }
      where.add("j0.metric_key = " + sql.bind(first.key().name()));
      where.add("j0.metric_value IS NOT NULL");
      orderBy.add("j0.metric_value" + (first.ascending() ? " ASC" : " DESC"));
      rest = order.subList(1, order.size());
    }
    where.add(
        "r.experiment_id IN ("
            + search.experimentIds().stream().map(sql::bind).collect(Collectors.joining(", "))
            + ")");
    sql.lifecycle("r", search.viewType()).ifPresent(where::add);
    filter.map(sql::condition).ifPresent(c -> where.add("(" + c + ")"));
    boolean byStartTime = false;
    for (OrderKey key : rest) {
      byStartTime |= key.key().equals(new Key(Entity.ATTRIBUTE, "start_time"));
      sql.orderClause(key, orderBy);
    }
    if (!byStartTime) {
      orderBy.add("r.start_time DESC");
    }
    orderBy.add("r.run_uuid");
    String text =
        "SELECT "
            + RUN_COLUMNS
            + " FROM "
            + from
            + sql.joinText()
            + " WHERE "
            + String.join(" AND ", where)
            + " ORDER BY "
            + String.join(", ", orderBy)
            + " LIMIT "
            + sql.bind((long) search.maxResults() + 1)
            + " OFFSET "
            + sql.bind((long) offset);
    return Optional.of(new Query(text, sql.binds));
  }

  /** The page of experiments {@code search} asks for, as {@link #runs} does for runs. */
  static Query experiments(ExperimentSearch search, Dialect dialect, int offset) {
    SearchSql sql = new SearchSql(dialect, SearchTarget.EXPERIMENTS);
    Optional<Filter> filter = FilterParser.parse(search.filter(), SearchTarget.EXPERIMENTS);
    List<String> clauses =
        search.orderBy().isEmpty()
            ? List.of("creation_time DESC", "experiment_id ASC")
            : search.orderBy();
    List<OrderKey> order = orderKeys(clauses, SearchTarget.EXPERIMENTS);
    List<String> where = new ArrayList<>();
    sql.lifecycle("e", search.viewType()).ifPresent(where::add);
    search
        .readableBy()
        .ifPresent(
            reader ->
                where.add(
                    "e.project_id IN (SELECT project_id FROM project_roles WHERE user_id = "
                        + sql.bind(reader)
                        + ")"));
    search.projectId().ifPresent(project -> where.add("e.project_id = " + sql.bind(project)));
    filter.map(sql::condition).ifPresent(c -> where.add("(" + c + ")"));
    List<String> orderBy = new ArrayList<>();
    boolean byId = false;
    for (OrderKey key : order) {
      byId |= key.key().name().equals("experiment_id");
      sql.orderClause(key, orderBy);
    }
    if (!byId) {
      orderBy.add("e.experiment_id DESC");
    }
    String text =
        "SELECT "
            + EXPERIMENT_COLUMNS
            + " FROM experiments e"
            + sql.joinText()
            + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
            + " ORDER BY "
            + String.join(", ", orderBy)
            + " LIMIT "
            + sql.bind((long) search.maxResults() + 1)
            + " OFFSET "
            + sql.bind((long) offset);
    return new Query(text, sql.binds);
  }

  private static List<OrderKey> orderKeys(List<String> clauses, SearchTarget target) {
    List<OrderKey> keys = new ArrayList<>();
    Set<Key> seen = new HashSet<>();
    for (String clause : clauses) {
      OrderKey key = FilterParser.parseOrderBy(clause, target);
      if (!seen.add(key.key())) {
        throw new IllegalArgumentException(
            "`order_by` contains duplicate fields: " + clauses + " (" + key.key() + " twice)");
      }
      keys.add(key);
    }
    return keys;
  }

  private Optional<String> lifecycle(String table, ViewType viewType) {
    return switch (viewType) {
      case ACTIVE_ONLY -> Optional.of(table + ".lifecycle_stage = 'active'");
      case DELETED_ONLY -> Optional.of(table + ".lifecycle_stage = 'deleted'");
      case ALL -> Optional.empty();
    };
  }

  private String condition(Filter filter) {
    return switch (filter) {
      case Filter.And and ->
          and.parts().stream().map(this::grouped).collect(Collectors.joining(" AND "));
      case Filter.Or or ->
          or.parts().stream().map(this::grouped).collect(Collectors.joining(" OR "));
      case Filter.Comparison comparison -> comparison(comparison);
    };
  }

  private String grouped(Filter filter) {
    return filter instanceof Filter.Comparison ? condition(filter) : "(" + condition(filter) + ")";
  }

  private String comparison(Filter.Comparison c) {
    Key key = c.key();
    if (key.entity() == Entity.DATASET) {
      return "EXISTS (SELECT 1 FROM run_inputs ri WHERE ri.run_uuid = r.run_uuid AND "
          + textComparison(DATASET_COLUMNS.get(key.name()), c.comparator(), c.value())
          + ")";
    }
    if (probes && key.entity() != Entity.ATTRIBUTE) {
      return probe(c);
    }
    String column = column(key);
    if (key.entity() == Entity.METRIC) {
      double value = ((Filter.Number) c.value()).value();
      String alias = aliases.get(key);
      if (c.comparator() == Comparator.NE) {
        return "(" + alias + ".is_nan = TRUE OR " + column + " <> " + bind(value) + ")";
      }
      return column + " " + c.comparator().symbol() + " " + bind(value);
    }
    if (key.entity() == Entity.ATTRIBUTE && NUMERIC_ATTRIBUTES.contains(key.name())) {
      long value = Long.parseLong(((Filter.Number) c.value()).literal().replace("+", ""));
      return column + " " + c.comparator().symbol() + " " + bind(value);
    }
    return textComparison(column, c.comparator(), c.value());
  }

  private String probe(Filter.Comparison c) {
    Key key = c.key();
    String table;
    String keyColumn;
    String valueColumn;
    switch (key.entity()) {
      case METRIC -> {
        table = "latest_metrics";
        keyColumn = "metric_key";
        valueColumn = "metric_value";
      }
      case PARAM -> {
        table = "params";
        keyColumn = "param_key";
        valueColumn = "param_value";
      }
      case TAG -> {
        table = "run_tags";
        keyColumn = "tag_key";
        valueColumn = "tag_value";
      }
      default -> throw new IllegalStateException("no probe for " + key.entity());
    }
    String condition;
    if (key.entity() == Entity.METRIC) {
      String value = bind(((Filter.Number) c.value()).value());
      condition =
          c.comparator() == Comparator.NE
              ? "(x.is_nan = TRUE OR x.metric_value <> " + value + ")"
              : "x.metric_value " + c.comparator().symbol() + " " + value;
    } else {
      condition = textComparison("x." + valueColumn, c.comparator(), c.value());
    }
    return "EXISTS (SELECT 1 FROM "
        + table
        + " x WHERE x.run_uuid = r.run_uuid AND x."
        + keyColumn
        + " = "
        + bind(key.name())
        + " AND "
        + condition
        + ")";
  }

  private String textComparison(String column, Comparator comparator, Filter.Value value) {
    return switch (comparator) {
      case EQ -> column + " = " + bind(text(value));
      case NE -> column + " <> " + bind(text(value));
      case LIKE ->
          dialect == Dialect.SQLITE
              ? column + " GLOB " + bind(LikePatterns.toGlob(text(value)))
              : column + " LIKE " + bind(text(value)) + " ESCAPE ''";
      case ILIKE ->
          dialect == Dialect.SQLITE
              ? column + " LIKE " + bind(text(value))
              : column + " ILIKE " + bind(text(value)) + " ESCAPE ''";
      case IN, NOT_IN ->
          column
              + (comparator == Comparator.IN ? " IN (" : " NOT IN (")
              + ((Filter.TextList) value)
                  .texts().stream().map(this::bind).collect(Collectors.joining(", "))
              + ")";
      case LT, LE, GT, GE ->
          throw new IllegalStateException("the parser lets no text comparison use " + comparator);
    };
  }

  private static String text(Filter.Value value) {
    return ((Filter.Text) value).text();
  }

  private void orderClause(OrderKey order, List<String> out) {
    Key key = order.key();
    String column = column(key);
    String direction = order.ascending() ? " ASC" : " DESC";
    if (key.entity() == Entity.METRIC) {
      String alias = aliases.get(key);
      out.add(
          "CASE WHEN "
              + alias
              + ".is_nan = TRUE THEN 1 WHEN "
              + column
              + " IS NULL THEN 2 ELSE 0 END");
      out.add(column + direction);
      return;
    }
    boolean numeric = key.entity() == Entity.ATTRIBUTE && NUMERIC_ATTRIBUTES.contains(key.name());
    out.add("CASE WHEN " + column + " IS NULL THEN 1 ELSE 0 END");
    out.add(column + (numeric || dialect == Dialect.SQLITE ? "" : " COLLATE \"C\"") + direction);
  }

  private String column(Key key) {
    return switch (key.entity()) {
      case ATTRIBUTE ->
          (target == SearchTarget.RUNS ? RUN_ATTRIBUTES : EXPERIMENT_ATTRIBUTES).get(key.name());
      case METRIC -> join(key, "latest_metrics", "metric_key") + ".metric_value";
      case PARAM -> join(key, "params", "param_key") + ".param_value";
      case TAG ->
          target == SearchTarget.RUNS
              ? join(key, "run_tags", "tag_key") + ".tag_value"
              : join(key, "experiment_tags", "tag_key") + ".tag_value";
      case DATASET -> throw new IllegalStateException("datasets are compared through EXISTS");
    };
  }

  private String join(Key key, String table, String keyColumn) {
    String existing = aliases.get(key);
    if (existing != null) {
      return existing;
    }
    String alias = "j" + aliases.size();
    aliases.put(key, alias);
    String owner = target == SearchTarget.RUNS ? "r.run_uuid" : "e.experiment_id";
    String ownerColumn = target == SearchTarget.RUNS ? "run_uuid" : "experiment_id";
    joins.add(
        " LEFT JOIN "
            + table
            + " "
            + alias
            + " ON "
            + alias
            + "."
            + ownerColumn
            + " = "
            + owner
            + " AND "
            + alias
            + "."
            + keyColumn
            + " = "
            + bind(key.name()));
    return alias;
  }

  private String joinText() {
    return String.join("", joins);
  }

  private String bind(Object value) {
    String name = "p" + binds.size();
    binds.put(name, value);
    return ":" + name;
  }
}
