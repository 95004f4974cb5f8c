package dev.tend.server.ui;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.server.http.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ECharts options for the UI's charts, as JSON for a {@code data-chart} attribute: the page's
 * script ({@code static/tend.js}) draws every element that carries one. Options are plain data (no
 * functions), so a template escapes them like any attribute. Missing values (null, NaN) become
 * gaps.
 */
public final class Charts {
  private static final ObjectMapper MAPPER = Json.mapper();

  private Charts() {}

  /** One named series of a time chart. */
  public record Series(String name, List<Point> points) {
    public Series {
      requireNonNull(name, "name is null");
      points = List.copyOf(requireNonNull(points, "points is null"));
    }
  }

  /** A value at a time; {@code value} may be null or NaN for a gap. */
  public record Point(Instant time, Double value) {
    public Point {
      requireNonNull(time, "time is null");
    }
  }

  /**
   * A value axis: a share (accuracy, coverage, a rate) is drawn from 0 to 1 so its lines read
   * against the whole range and never run past 100%; any other quantity is scaled to its data.
   */
  public record Axis(String name, boolean share) {
    public Axis {
      requireNonNull(name, "name is null");
    }

    public static Axis share(String name) {
      return new Axis(name, true);
    }

    public static Axis scaled(String name) {
      return new Axis(name, false);
    }

    Map<String, Object> option() {
      Map<String, Object> axis = new LinkedHashMap<>();
      axis.put("type", "value");
      axis.put("name", name);
      if (share) {
        axis.put("min", 0);
        axis.put("max", 1);
      } else {
        axis.put("scale", true);
      }
      return axis;
    }
  }

  /** A line chart over time, one line per series, on one value axis named {@code axis}. */
  public static String lines(String title, String axis, List<Series> series) {
    Map<String, Object> option = base(title);
    option.put("xAxis", Map.of("type", "time"));
    option.put("yAxis", Map.of("type", "value", "name", axis, "scale", true));
    List<Object> lines = new ArrayList<>();
    for (Series s : series) {
      lines.add(line(s, 0));
    }
    option.put("series", lines);
    option.put("legend", Map.of("top", 24));
    return json(option);
  }

  /**
   * Two quantities over time on their own axes: {@code left} on the left axis named {@code
   * leftAxis}, {@code right} on the right axis named {@code rightAxis}.
   */
  public static String twoAxes(
      String title, Axis leftAxis, List<Series> left, Axis rightAxis, List<Series> right) {
    Map<String, Object> option = base(title);
    option.put("xAxis", Map.of("type", "time"));
    Map<String, Object> rightOption = rightAxis.option();
    rightOption.put("position", "right");
    option.put("yAxis", List.of(leftAxis.option(), rightOption));
    List<Object> lines = new ArrayList<>();
    left.forEach(s -> lines.add(line(s, 0)));
    right.forEach(s -> lines.add(line(s, 1)));
    option.put("series", lines);
    option.put("legend", Map.of("top", 24));
    return json(option);
  }

  /**
   * A heat map: {@code values[y][x]} for the row {@code rows[y]} and column {@code columns[x]},
   * coloured from {@code min} to {@code max}; null cells stay empty.
   */
  public static String heatmap(
      String title,
      List<String> columns,
      List<String> rows,
      Double[][] values,
      double min,
      double max) {
    if (values.length != rows.size()) {
      throw new IllegalArgumentException("one row of values per row label");
    }
    List<Object> cells = new ArrayList<>();
    for (int y = 0; y < rows.size(); y++) {
      if (values[y].length != columns.size()) {
        throw new IllegalArgumentException("one value per column in row " + rows.get(y));
      }
      for (int x = 0; x < columns.size(); x++) {
        Double v = values[y][x];
        if (v != null && !v.isNaN() && !v.isInfinite()) {
          cells.add(List.of(x, y, v));
        }
      }
    }
    Map<String, Object> option = base(title);
    option.put("tooltip", Map.of("position", "top"));
    option.put("grid", Map.of("left", 140, "right", 24, "top", 40, "bottom", 90));
    option.put(
        "xAxis", Map.of("type", "category", "data", columns, "splitArea", Map.of("show", true)));
    option.put(
        "yAxis", Map.of("type", "category", "data", rows, "splitArea", Map.of("show", true)));
    option.put(
        "visualMap",
        Map.of(
            "min",
            min,
            "max",
            max,
            "calculable",
            true,
            "orient",
            "horizontal",
            "left",
            "center",
            "bottom",
            0,
            "inRange",
            Map.of("color", List.of("#f7fbff", "#fdae6b", "#d94801"))));
    option.put("series", List.of(Map.of("type", "heatmap", "data", cells)));
    return json(option);
  }

  /** Bars per category, one bar series per entry of {@code series}. */
  public static String bars(
      String title, List<String> categories, Map<String, List<Double>> series) {
    Map<String, Object> option = base(title);
    option.put("xAxis", Map.of("type", "category", "data", categories));
    option.put("yAxis", Map.of("type", "value"));
    List<Object> bars = new ArrayList<>();
    series.forEach(
        (name, values) -> {
          Map<String, Object> bar = new LinkedHashMap<>();
          bar.put("type", "bar");
          bar.put("name", name);
          bar.put("data", values.stream().map(Charts::finite).toList());
          bars.add(bar);
        });
    option.put("series", bars);
    option.put("legend", Map.of("top", 24));
    return json(option);
  }

  /** Any other ECharts option, written as JSON. */
  public static String json(Object option) {
    try {
      return MAPPER.writeValueAsString(option);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("a chart option must be plain data", e);
    }
  }

  private static Map<String, Object> base(String title) {
    Map<String, Object> option = new LinkedHashMap<>();
    option.put("title", Map.of("text", title, "textStyle", Map.of("fontSize", 13)));
    option.put("tooltip", Map.of("trigger", "axis"));
    option.put("grid", Map.of("left", 60, "right", 60, "top", 60, "bottom", 40));
    option.put("animation", false);
    return option;
  }

  private static Map<String, Object> line(Series series, int axis) {
    List<Object> data = new ArrayList<>();
    for (Point p : series.points()) {
      List<Object> pair = new ArrayList<>(2);
      pair.add(p.time().toEpochMilli());
      pair.add(finite(p.value()));
      data.add(pair);
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("type", "line");
    line.put("name", series.name());
    line.put("yAxisIndex", axis);
    line.put("showSymbol", series.points().size() < 60);
    line.put("connectNulls", false);
    line.put("data", data);
    return line;
  }

  private static Double finite(Double value) {
    return value == null || value.isNaN() || value.isInfinite() ? null : value;
  }

  /** For templates: the option, or nothing when there is no data to draw. */
  public static Optional<String> unlessEmpty(String option, boolean empty) {
    return empty ? Optional.empty() : Optional.of(option);
  }
}
