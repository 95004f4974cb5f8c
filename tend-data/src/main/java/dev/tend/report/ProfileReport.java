package dev.tend.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tend.checks.Formats;
import dev.tend.profile.ColumnProfile;
import dev.tend.profile.ColumnSummary;
import dev.tend.profile.DatasetProfile;
import dev.tend.schema.DataType;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Profile reports: a readable table and a JSON document (format version {@value FORMAT_VERSION},
 * documented in {@code docs/profile-report.md}). Dates and timestamps are shown as ISO text.
 */
public final class ProfileReport {
  /** Version of the JSON profile report format. */
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ProfileReport() {}

  public static String json(DatasetProfile profile, Duration elapsed) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format_version", FORMAT_VERSION);
    root.put("source", profile.provenance().source());
    root.put("row_count", profile.rowCount());
    root.put("elapsed_ms", elapsed.toMillis());
    List<Object> columns = new ArrayList<>();
    for (ColumnProfile column : profile.columns()) {
      columns.add(column(column));
    }
    root.put("columns", columns);
    try {
      return MAPPER.writeValueAsString(root) + System.lineSeparator();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Object> column(ColumnProfile profile) {
    ColumnSummary s = profile.summary();
    DataType type = profile.type();
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("name", s.column());
    entry.put("type", type.label());
    entry.put("count", s.count());
    entry.put("missing", s.missing());
    entry.put("missing_fraction", s.missingFraction());
    if (s.distinct() != null) {
      Map<String, Object> distinct = new LinkedHashMap<>();
      distinct.put("estimate", Math.round(s.distinct().estimate()));
      distinct.put("lower_bound", Math.round(s.distinct().lowerBound()));
      distinct.put("upper_bound", Math.round(s.distinct().upperBound()));
      entry.put("distinct", distinct);
    }
    entry.put("min", value(type, s.min()));
    entry.put("max", value(type, s.max()));
    entry.put("mean", value(type, s.mean()));
    // Boxed on purpose: a mixed Double/double conditional unboxes a null stddev (text columns).
    Double stddev = s.stddev();
    if (type.isTemporal() && stddev != null) {
      stddev = stddev / 1e6;
    }
    entry.put("stddev", stddev);
    if (type.isTemporal()) {
      entry.put("stddev_unit", "seconds");
    }
    Map<String, Object> quantiles = new LinkedHashMap<>();
    if (s.quantiles() != null) {
      s.quantiles().forEach((rank, q) -> quantiles.put(rank, value(type, q)));
    }
    entry.put("quantiles", quantiles);
    if (s.histogram() != null) {
      Map<String, Object> histogram = new LinkedHashMap<>();
      histogram.put("edges", s.histogram().edges().stream().map(e -> value(type, e)).toList());
      histogram.put("counts", s.histogram().counts());
      entry.put("histogram", histogram);
    }
    List<Object> top = new ArrayList<>();
    for (ColumnSummary.ValueCount v : s.topValues()) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("value", value(type, v.value()));
      item.put("count", v.count());
      item.put("count_lower_bound", v.lowerBound());
      item.put("count_upper_bound", v.upperBound());
      top.add(item);
    }
    entry.put("top_values", top);
    if (s.lengths() != null) {
      entry.put("lengths", s.lengths());
    }
    if (type == DataType.DOUBLE) {
      entry.put("nan_count", s.nanCount());
      entry.put("infinite_count", s.infiniteCount());
    }
    if (type == DataType.STRING) {
      entry.put("empty_count", s.emptyCount());
    }
    return entry;
  }

  static Object value(DataType type, Object value) {
    return ProfileValues.temporal(type, value);
  }

  public static String table(DatasetProfile profile, Duration elapsed) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Profile of %s: %,d rows, %d columns (%.2f s)%n%n",
            profile.provenance().source(),
            profile.rowCount(),
            profile.columns().size(),
            elapsed.toMillis() / 1000.0));
    String[] header = {
      "column", "type", "missing", "distinct~", "min", "p50", "max", "mean", "stddev"
    };
    List<String[]> rows = new ArrayList<>();
    rows.add(header);
    for (ColumnProfile c : profile.columns()) {
      DataType type = c.type();
      rows.add(
          new String[] {
            c.column(),
            type.label(),
            Formats.count(c.missing())
                + " ("
                + Formats.percent(c.rows() == 0 ? 0 : (double) c.missing() / c.rows())
                + ")",
            c.distinct().map(d -> Formats.count(Math.round(d.estimate()))).orElse("-"),
            show(type, c.min()),
            show(type, c.quantile(0.5)),
            show(type, c.max()),
            type.isTemporal() ? "-" : show(type, c.mean()),
            type.isTemporal() ? "-" : show(type, c.stddev())
          });
    }
    int[] widths = new int[header.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(String.format(Locale.ROOT, "%-" + widths[i] + "s  ", row[i]));
      }
      out.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
    out.append(System.lineSeparator());
    for (ColumnProfile c : profile.columns()) {
      List<ColumnSummary.ValueCount> top = c.topValues(5);
      StringBuilder line = new StringBuilder();
      line.append(c.column()).append(": ");
      if (c.type() == DataType.STRING) {
        c.lengths()
            .ifPresent(
                l ->
                    line.append("length ")
                        .append(l.min())
                        .append("..")
                        .append(l.max())
                        .append("; "));
      }
      c.quantile(0.05)
          .ifPresent(
              p5 ->
                  line.append("p5 ")
                      .append(show(c.type(), OptionalDouble.of(p5)))
                      .append(", p95 ")
                      .append(show(c.type(), c.quantile(0.95)))
                      .append("; "));
      if (!top.isEmpty()) {
        line.append("top ");
        List<String> items = new ArrayList<>();
        for (ColumnSummary.ValueCount v : top) {
          Object shown = value(c.type(), v.value());
          items.add(
              shown
                  + " "
                  + Formats.count(v.count())
                  + " ("
                  + Formats.percent(c.rows() == 0 ? 0 : (double) v.count() / c.rows())
                  + ")");
        }
        line.append(String.join(", ", items));
      }
      out.append(line.toString().replaceAll(";\\s*$", "")).append(System.lineSeparator());
    }
    return out.toString();
  }

  private static String show(DataType type, OptionalDouble value) {
    if (value.isEmpty()) {
      return "-";
    }
    if (type.isTemporal()) {
      return String.valueOf(value(type, (long) value.getAsDouble()));
    }
    return Formats.number(value.getAsDouble());
  }
}
