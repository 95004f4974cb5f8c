package dev.tend.server.datasets;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.drift.Drift;
import dev.tend.drift.DriftDefaults;
import dev.tend.drift.DriftMethod;
import dev.tend.drift.DriftResult;
import dev.tend.profile.ColumnProfile;
import dev.tend.profile.DatasetProfile;
import dev.tend.schema.DataType;
import dev.tend.server.http.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What changed between two versions of a dataset: columns added, removed and retyped, the row
 * count, per-column drift from the two stored profiles, and the checks that newly fail, newly pass
 * or still fail. Computed from what was stored at push time, so a diff never reads the data again.
 * Used by the datasets API and the UI's diff page.
 */
public final class VersionDiff {
  private static final ObjectMapper MAPPER = Json.mapper();

  private VersionDiff() {}

  /** A version in a diff. */
  public record Summary(
      int number, String status, long rows, long bytes, Instant createdAt, String createdBy) {
    public static Summary of(DatasetVersion version) {
      return new Summary(
          version.number(),
          version.status().label(),
          version.rowCount(),
          version.totalBytes(),
          version.createdAt(),
          version.createdBy());
    }
  }

  public record Column(String name, String type) {}

  public record ChangedColumn(String name, String fromType, String toType) {}

  public record SchemaChanges(
      List<Column> added, List<Column> removed, List<ChangedColumn> changed) {}

  /** Row counts; {@code relative_change} is sent as {@code null} when {@code from} is 0. */
  public record Rows(
      long from,
      long to,
      long change,
      @JsonInclude(JsonInclude.Include.ALWAYS) Double relativeChange) {}

  /**
   * Drift of a column present in both versions. Method, score, threshold and verdict are absent
   * when drift cannot be measured: one side has no values, the types are not comparable (a number
   * became text), or the type is one Tend does not interpret.
   */
  public record ColumnDrift(
      String name,
      String type,
      Optional<String> method,
      OptionalDouble score,
      OptionalDouble threshold,
      Optional<Boolean> drifted,
      OptionalDouble nullFractionFrom,
      OptionalDouble nullFractionTo) {}

  public record CheckChange(
      String check, Optional<String> column, String severity, String message) {}

  public record CheckChanges(
      List<CheckChange> newlyFailing,
      List<CheckChange> newlyPassing,
      List<CheckChange> stillFailing) {}

  public record Body(
      Summary from,
      Summary to,
      SchemaChanges schema,
      Rows rows,
      List<ColumnDrift> columns,
      CheckChanges checks) {}

  /**
   * The diff of two committed versions, from the schemas, profiles and reports stored with them.
   */
  public static Body between(DatasetRepository datasets, DatasetVersion from, DatasetVersion to) {
    return of(
        from,
        readJson(from.schemaJson()),
        storedProfile(datasets, from),
        readJson(from.checkReportJson()),
        to,
        readJson(to.schemaJson()),
        storedProfile(datasets, to),
        readJson(to.checkReportJson()));
  }

  private static DatasetProfile storedProfile(DatasetRepository datasets, DatasetVersion version) {
    byte[] bytes =
        datasets
            .profile(version.id())
            .orElseThrow(
                () -> new IllegalStateException("version " + version.id() + " has no profile"));
    return DatasetProfile.fromBytes(bytes);
  }

  private static JsonNode readJson(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored JSON document does not parse", e);
    }
  }

  /**
   * The diff of {@code from} and {@code to}, given their stored schemas ({@code {"columns":[{name,
   * type}]}}), profiles and check reports (JSON {@code null} when the version had no suite).
   */
  static Body of(
      DatasetVersion from,
      JsonNode fromSchema,
      DatasetProfile fromProfile,
      JsonNode fromReport,
      DatasetVersion to,
      JsonNode toSchema,
      DatasetProfile toProfile,
      JsonNode toReport) {
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    Map<String, String> before = columns(fromSchema);
    Map<String, String> after = columns(toSchema);
    List<Column> added = new ArrayList<>();
    List<Column> removed = new ArrayList<>();
    List<ChangedColumn> changed = new ArrayList<>();
    List<ColumnDrift> drift = new ArrayList<>();
    after.forEach(
        (name, type) -> {
          if (!before.containsKey(name)) {
            added.add(new Column(name, type));
          }
        });
    before.forEach(
        (name, type) -> {
          String now = after.get(name);
          if (now == null) {
            removed.add(new Column(name, type));
            return;
          }
          if (!now.equals(type)) {
            changed.add(new ChangedColumn(name, type, now));
          }
          drift.add(drift(name, now, fromProfile.column(name), toProfile.column(name)));
        });
    long n = from.rowCount();
    long m = to.rowCount();
    return new Body(
        Summary.of(from),
        Summary.of(to),
        new SchemaChanges(added, removed, changed),
        new Rows(n, m, m - n, n == 0 ? null : (double) (m - n) / n),
        drift,
        checks(fromReport, toReport));
  }

  private static Map<String, String> columns(JsonNode schema) {
    Map<String, String> columns = new LinkedHashMap<>();
    for (JsonNode column : schema.path("columns")) {
      columns.put(column.path("name").asText(), column.path("type").asText());
    }
    return columns;
  }

  private static ColumnDrift drift(
      String name, String type, Optional<ColumnProfile> from, Optional<ColumnProfile> to) {
    OptionalDouble nullsFrom = from.map(VersionDiff::nullFraction).orElse(OptionalDouble.empty());
    OptionalDouble nullsTo = to.map(VersionDiff::nullFraction).orElse(OptionalDouble.empty());
    Optional<DriftResult> result =
        from.isPresent() && to.isPresent() ? measure(from.get(), to.get()) : Optional.empty();
    return new ColumnDrift(
        name,
        type,
        result.map(r -> r.method().label()),
        result.map(r -> OptionalDouble.of(r.effectSize())).orElse(OptionalDouble.empty()),
        result
            .map(r -> OptionalDouble.of(r.threshold().effectSize()))
            .orElse(OptionalDouble.empty()),
        result.map(DriftResult::drifted),
        nullsFrom,
        nullsTo);
  }

  /* The defaults of the drift package decide, by type and size of the smaller sample. */
  private static Optional<DriftResult> measure(ColumnProfile from, ColumnProfile to) {
    if (from.count() == 0 || to.count() == 0) {
      return Optional.empty();
    }
    boolean numeric =
        (from.type().isNumeric() && to.type().isNumeric())
            || (from.type().isTemporal() && to.type().isTemporal());
    boolean categorical = isCategorical(from.type()) && isCategorical(to.type());
    if (!numeric && !categorical) {
      return Optional.empty();
    }
    Optional<DriftMethod> method =
        DriftDefaults.methodFor(to.type(), Math.min(from.count(), to.count()));
    if (method.isEmpty()) {
      return Optional.empty();
    }
    if (numeric) {
      return Optional.of(
          Drift.numeric(
              method.get(),
              from.quantileSketch().orElseThrow(),
              to.quantileSketch().orElseThrow()));
    }
    return Optional.of(Drift.categorical(method.get(), from.categoryCounts(), to.categoryCounts()));
  }

  private static boolean isCategorical(DataType type) {
    return type == DataType.STRING || type == DataType.BOOLEAN;
  }

  private static OptionalDouble nullFraction(ColumnProfile profile) {
    long rows = profile.rows();
    return rows == 0
        ? OptionalDouble.empty()
        : OptionalDouble.of((double) profile.missing() / rows);
  }

  /*
   * A check is identified by its kind, name, columns and filter, and by its position among checks
   * with the same identity (a suite may repeat a check). A failed or errored check counts as
   * failing; a version without a suite has no checks, so all the other's failing checks are new.
   */
  private static CheckChanges checks(JsonNode fromReport, JsonNode toReport) {
    Map<String, JsonNode> before = byIdentity(fromReport);
    Map<String, JsonNode> after = byIdentity(toReport);
    List<CheckChange> newlyFailing = new ArrayList<>();
    List<CheckChange> newlyPassing = new ArrayList<>();
    List<CheckChange> stillFailing = new ArrayList<>();
    after.forEach(
        (identity, check) -> {
          JsonNode earlier = before.get(identity);
          boolean failedBefore = earlier != null && failing(earlier);
          if (failing(check)) {
            (failedBefore ? stillFailing : newlyFailing).add(change(check));
          } else if (failedBefore) {
            newlyPassing.add(change(check));
          }
        });
    return new CheckChanges(newlyFailing, newlyPassing, stillFailing);
  }

  private static Map<String, JsonNode> byIdentity(JsonNode report) {
    Map<String, JsonNode> checks = new LinkedHashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    if (report == null || !report.isObject()) {
      return checks;
    }
    for (JsonNode check : report.path("checks")) {
      String identity =
          check.path("kind").asText()
              + "\u0000"
              + check.path("name").asText()
              + "\u0000"
              + check.path("columns")
              + "\u0000"
              + check.path("where").asText("");
      int occurrence = seen.merge(identity, 1, Integer::sum);
      checks.put(identity + "\u0000" + occurrence, check);
    }
    return checks;
  }

  private static boolean failing(JsonNode check) {
    String outcome = check.path("outcome").asText();
    return outcome.equals("failed") || outcome.equals("error");
  }

  private static CheckChange change(JsonNode check) {
    JsonNode columns = check.path("columns");
    Optional<String> column =
        columns.isArray() && !columns.isEmpty()
            ? Optional.of(columns.get(0).asText())
            : Optional.empty();
    String message =
        check.hasNonNull("message")
            ? check.get("message").asText()
            : "observed "
                + check.path("observed").asText()
                + ", expected "
                + check.path("expected").asText();
    return new CheckChange(
        check.path("name").asText(), column, check.path("severity").asText(), message);
  }
}
