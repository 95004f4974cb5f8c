package dev.tend.server.ui.datasets;

import static java.util.Objects.requireNonNull;

import dev.tend.profile.ColumnProfile;
import dev.tend.profile.ColumnSummary;
import dev.tend.profile.DatasetProfile;
import dev.tend.server.ui.Formats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/** A version's stored profile written as the UI shows it: one row of figures per column. */
public final class Profiles {
  private static final int TOP_VALUES = 3;

  private Profiles() {}

  /**
   * The figures of one column, written out ({@code –} where a figure does not apply). Temporal
   * extremes are times; distinct counts are estimates.
   */
  public record ColumnRow(
      String name,
      String type,
      long count,
      long missing,
      String missingShare,
      String distinct,
      String min,
      String max,
      String mean,
      String stddev,
      String median,
      String top) {
    public ColumnRow {
      requireNonNull(name, "name is null");
      requireNonNull(type, "type is null");
      requireNonNull(missingShare, "missingShare is null");
      requireNonNull(distinct, "distinct is null");
      requireNonNull(min, "min is null");
      requireNonNull(max, "max is null");
      requireNonNull(mean, "mean is null");
      requireNonNull(stddev, "stddev is null");
      requireNonNull(median, "median is null");
      requireNonNull(top, "top is null");
    }
  }

  static List<ColumnRow> rows(DatasetProfile profile) {
    List<ColumnRow> rows = new ArrayList<>();
    for (ColumnProfile column : profile.columns()) {
      rows.add(row(column));
    }
    return rows;
  }

  /** Missing cells over all cells of the version; null for a version without cells. */
  static Double missingShare(DatasetProfile profile) {
    long cells = 0;
    long missing = 0;
    for (ColumnProfile column : profile.columns()) {
      cells += column.rows();
      missing += column.missing();
    }
    return cells == 0 ? null : (double) missing / cells;
  }

  private static ColumnRow row(ColumnProfile column) {
    boolean temporal = column.type().isTemporal();
    return new ColumnRow(
        column.column(),
        column.type().label(),
        column.count(),
        column.missing(),
        column.rows() == 0
            ? Formats.NONE
            : Formats.percent((double) column.missing() / column.rows()),
        column.distinct().map(d -> Formats.count(Math.round(d.estimate()))).orElse(Formats.NONE),
        temporal ? time(column.min()) : figure(column.min()),
        temporal ? time(column.max()) : figure(column.max()),
        temporal ? Formats.NONE : figure(column.mean()),
        temporal ? Formats.NONE : figure(column.stddev()),
        temporal ? time(column.quantile(0.5)) : figure(column.quantile(0.5)),
        top(column.topValues(TOP_VALUES)));
  }

  private static String figure(OptionalDouble value) {
    if (value.isEmpty()) {
      return Formats.NONE;
    }
    double v = value.getAsDouble();
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    return String.format(Locale.ROOT, "%,.4g", v);
  }

  /* Temporal statistics are epoch microseconds. */
  private static String time(OptionalDouble micros) {
    if (micros.isEmpty()) {
      return Formats.NONE;
    }
    long value = (long) micros.getAsDouble();
    return Formats.time(
        Instant.ofEpochSecond(
            Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1000));
  }

  private static String top(List<ColumnSummary.ValueCount> values) {
    return values.isEmpty()
        ? Formats.NONE
        : values.stream()
            .map(v -> v.value() + " (" + Formats.count(v.count()) + ")")
            .collect(Collectors.joining(", "));
  }
}
