package dev.tend.registry;

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
 * Compiles registry searches into one parameterized SQL query for SQLite and PostgreSQL, as the
 * tracking store does for runs: every value is a bind parameter; column names come from fixed maps.
 * Each tag a filter names is LEFT JOINed once, so a comparison on a missing tag never holds.
 */
final class RegistrySql {
  record Query(String sql, Map<String, Object> binds) {}

  static final String MODEL_COLUMNS =
      "m.id, m.project_id, m.name, m.description, m.creation_time, m.last_updated_time,"
          + " m.created_by";
  static final String VERSION_COLUMNS =
      "v.id, v.model_id, m.name AS model_name, v.version, v.creation_time, v.last_updated_time,"
          + " v.user_id, v.current_stage, v.description, v.source, v.run_uuid, v.run_link,"
          + " v.status, v.status_message, v.storage_location, v.model_format, v.manifest_sha256,"
          + " v.dataset_version_id";

  private static final Map<String, String> MODEL_ATTRIBUTES =
      Map.of(
          "name", "m.name",
          "creation_timestamp", "m.creation_time",
          "last_updated_timestamp", "m.last_updated_time");
  private static final Map<String, String> VERSION_ATTRIBUTES =
      Map.of(
          "name", "m.name",
          "version_number", "v.version",
          "run_id", "v.run_uuid",
          "source_path", "v.source",
          "creation_timestamp", "v.creation_time",
          "last_updated_timestamp", "v.last_updated_time");
  private static final Set<String> NUMERIC =
      Set.of("version_number", "creation_timestamp", "last_updated_timestamp");

  private final Dialect dialect;
  private final boolean versions;
  private final Map<String, Object> binds = new LinkedHashMap<>();
  private final Map<String, String> tagAliases = new LinkedHashMap<>();
  private final List<String> joins = new ArrayList<>();

  private RegistrySql(Dialect dialect, boolean versions) {
    this.dialect = dialect;
    this.versions = versions;
  }

  static Query models(ModelSearch search, Dialect dialect, int offset) {
    return new RegistrySql(dialect, false).compile(search, offset);
  }

  static Query versions(ModelSearch search, Dialect dialect, int offset) {
    return new RegistrySql(dialect, true).compile(search, offset);
  }

  private Query compile(ModelSearch search, int offset) {
    SearchTarget target = versions ? SearchTarget.MODEL_VERSIONS : SearchTarget.REGISTERED_MODELS;
    Optional<Filter> filter = FilterParser.parse(search.filter(), target);
    List<String> where = new ArrayList<>();
    if (versions) {
      where.add("v.current_stage <> 'Deleted_Internal'");
    }
    search
        .readableBy()
        .ifPresent(
            reader ->
                where.add(
                    "m.project_id IN (SELECT project_id FROM project_roles WHERE user_id = "
                        + bind(reader)
                        + ")"));
    search.projectId().ifPresent(project -> where.add("m.project_id = " + bind(project)));
    filter.map(this::condition).ifPresent(c -> where.add("(" + c + ")"));
    List<String> orderBy = new ArrayList<>();
    Set<String> ordered = new HashSet<>();
    for (String clause : search.orderBy()) {
      OrderKey key = FilterParser.parseOrderBy(clause, target);
      if (!ordered.add(key.key().name())) {
        throw new IllegalArgumentException(
            "`order_by` contains duplicate fields: " + search.orderBy());
      }
      String column = attributes().get(key.key().name());
      boolean numeric = NUMERIC.contains(key.key().name());
      orderBy.add(
          column
              + (numeric || dialect == Dialect.SQLITE ? "" : " COLLATE \"C\"")
              + (key.ascending() ? " ASC" : " DESC"));
    }
    if (!ordered.contains("name")) {
      orderBy.add("m.name" + (dialect == Dialect.SQLITE ? "" : " COLLATE \"C\"") + " ASC");
    }
    if (versions && !ordered.contains("version_number")) {
      orderBy.add("v.version DESC");
    }
    orderBy.add(versions ? "v.id" : "m.id");
    String from =
        versions
            ? "model_versions v JOIN registered_models m ON m.id = v.model_id"
            : "registered_models m";
    String sql =
        "SELECT "
            + (versions ? VERSION_COLUMNS : MODEL_COLUMNS)
            + " FROM "
            + from
            + String.join("", joins)
            + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
            + " ORDER BY "
            + String.join(", ", orderBy)
            + " LIMIT "
            + bind((long) search.maxResults() + 1)
            + " OFFSET "
            + bind((long) offset);
    return new Query(sql, binds);
  }

  private Map<String, String> attributes() {
    return versions ? VERSION_ATTRIBUTES : MODEL_ATTRIBUTES;
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
    if (key.entity() == Entity.TAG) {
      return text(tagColumn(key.name()), c.comparator(), c.value());
    }
    String column = attributes().get(key.name());
    if (NUMERIC.contains(key.name())) {
      long value = Long.parseLong(((Filter.Number) c.value()).literal().replace("+", ""));
      return column + " " + c.comparator().symbol() + " " + bind(value);
    }
    return text(column, c.comparator(), c.value());
  }

  private String text(String column, Comparator comparator, Filter.Value value) {
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

  private String tagColumn(String tag) {
    String alias = tagAliases.get(tag);
    if (alias == null) {
      alias = "t" + tagAliases.size();
      tagAliases.put(tag, alias);
      joins.add(
          versions
              ? " LEFT JOIN model_version_tags "
                  + alias
                  + " ON "
                  + alias
                  + ".version_id = v.id AND "
                  + alias
                  + ".tag_key = "
                  + bind(tag)
              : " LEFT JOIN registered_model_tags "
                  + alias
                  + " ON "
                  + alias
                  + ".model_id = m.id AND "
                  + alias
                  + ".tag_key = "
                  + bind(tag));
    }
    return alias + ".tag_value";
  }

  private String bind(Object value) {
    String name = "p" + binds.size();
    binds.put(name, value);
    return ":" + name;
  }
}
