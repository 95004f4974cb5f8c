package dev.tend.cli.tracking;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.Table;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tend runs compare RUN_ID RUN_ID...}: runs side by side. Params that differ come first;
 * each metric marks its best value (the largest, or the smallest for losses, errors and times) and
 * shows every run's difference from the first run.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = {
      "Compares runs side by side: params that differ first, then latest metrics with the best"
          + " value marked (*) and each run's difference from the first run.",
      "Smaller is better for metrics named like loss, error, mae, mse, rmse, time or latency;"
          + " larger for the others. --minimize and --maximize override that per metric."
    })
final class RunsCompareCommand implements Callable<Integer> {
  /** Name parts that mean a smaller value is better. */
  private static final Set<String> SMALLER_IS_BETTER =
      Set.of(
          "loss",
          "logloss",
          "error",
          "err",
          "mae",
          "mse",
          "rmse",
          "mape",
          "time",
          "seconds",
          "latency",
          "duration",
          "perplexity",
          "cost",
          "fpr",
          "fnr",
          "wer");

  private static final Pattern WORDS = Pattern.compile("[^a-z0-9]+");

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Connection connection;
  @Mixin FormatOption format;

  @Parameters(arity = "2..*", paramLabel = "RUN_ID", description = "Two or more run ids.")
  List<String> runIds;

  @Option(
      names = "--minimize",
      paramLabel = "METRIC",
      description = "Smaller is better for this metric (repeatable).")
  List<String> minimize = new ArrayList<>();

  @Option(
      names = "--maximize",
      paramLabel = "METRIC",
      description = "Larger is better for this metric (repeatable).")
  List<String> maximize = new ArrayList<>();

  /** How one metric compares across the runs: values by run (null when absent), best runs. */
  record MetricRow(String key, boolean smallerIsBetter, List<Double> values, Set<Integer> best) {}

  /** One param across the runs: values by run (null when absent), and whether they differ. */
  record ParamRow(String key, List<String> values, boolean differs) {}

  @Override
  public Integer call() {
    boolean json = format.json();
    if (new LinkedHashSet<>(runIds).size() != runIds.size()) {
      throw new Main.UsageException("each run may be given once: " + String.join(" ", runIds));
    }
    Set<String> both = new TreeSet<>(minimize);
    both.retainAll(maximize);
    if (!both.isEmpty()) {
      throw new Main.UsageException(
          "--minimize and --maximize both name " + String.join(", ", both));
    }
    List<RunView> runs = new ArrayList<>();
    Map<String, String> experimentNames = new HashMap<>();
    try (TendClient client = connection.open()) {
      for (String runId : runIds) {
        RunView run = RunsShowCommand.read(client, runId);
        runs.add(run);
        experimentNames.computeIfAbsent(
            run.experimentId(),
            id ->
                Mlflow.get(client, "/experiments/get", "experiment_id", id)
                    .path("experiment")
                    .path("name")
                    .asText());
      }
    }
    List<ParamRow> params = params(runs);
    List<MetricRow> metrics = metrics(runs);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      FormatOption.print(out, json(runs, experimentNames, params, metrics));
      return Main.OK;
    }
    out.print(render(runs, experimentNames, params, metrics));
    out.flush();
    return Main.OK;
  }

  private static List<ParamRow> params(List<RunView> runs) {
    Set<String> keys = new TreeSet<>();
    runs.forEach(r -> keys.addAll(r.params().keySet()));
    List<ParamRow> differing = new ArrayList<>();
    List<ParamRow> equal = new ArrayList<>();
    for (String key : keys) {
      List<String> values = runs.stream().map(r -> r.params().get(key)).toList();
      boolean differs = values.stream().distinct().count() > 1;
      (differs ? differing : equal).add(new ParamRow(key, values, differs));
    }
    differing.addAll(equal);
    return differing;
  }

  private List<MetricRow> metrics(List<RunView> runs) {
    Set<String> keys = new TreeSet<>();
    runs.forEach(r -> keys.addAll(r.metrics().keySet()));
    List<MetricRow> rows = new ArrayList<>();
    for (String key : keys) {
      List<Double> values =
          runs.stream()
              .map(r -> r.metrics().get(key))
              .map(p -> p == null ? null : p.value())
              .toList();
      boolean smaller = smallerIsBetter(key);
      Double best = null;
      for (Double value : values) {
        if (value != null && !value.isNaN()) {
          best = best == null ? value : smaller ? Math.min(best, value) : Math.max(best, value);
        }
      }
      Set<Integer> bestRuns = new TreeSet<>();
      for (int i = 0; i < values.size(); i++) {
        if (best != null && Objects.equals(values.get(i), best)) {
          bestRuns.add(i);
        }
      }
      rows.add(new MetricRow(key, smaller, values, bestRuns));
    }
    return rows;
  }

  private boolean smallerIsBetter(String key) {
    if (minimize.contains(key)) {
      return true;
    }
    if (maximize.contains(key)) {
      return false;
    }
    for (String word : WORDS.split(key.toLowerCase(Locale.ROOT))) {
      if (SMALLER_IS_BETTER.contains(word) || word.endsWith("loss") || word.endsWith("error")) {
        return true;
      }
    }
    return false;
  }

  private static ObjectNode json(
      List<RunView> runs,
      Map<String, String> experimentNames,
      List<ParamRow> params,
      List<MetricRow> metrics) {
    ObjectNode result = FormatOption.object();
    ArrayNode runList = result.putArray("runs");
    for (RunView run : runs) {
      ObjectNode item =
          runList
              .addObject()
              .put("run_id", run.runId())
              .put("run_name", run.runName())
              .put("experiment_id", run.experimentId())
              .put("experiment_name", experimentNames.get(run.experimentId()))
              .put("status", run.status())
              .put("start_time", run.startTime());
      if (run.endTime().isPresent()) {
        item.put("end_time", run.endTime().get());
      } else {
        item.putNull("end_time");
      }
    }
    ArrayNode paramList = result.putArray("params");
    for (ParamRow row : params) {
      ObjectNode item = paramList.addObject().put("key", row.key()).put("differs", row.differs());
      ArrayNode values = item.putArray("values");
      row.values().forEach(values::add);
    }
    ArrayNode metricList = result.putArray("metrics");
    for (MetricRow row : metrics) {
      ObjectNode item =
          metricList
              .addObject()
              .put("key", row.key())
              .put("goal", row.smallerIsBetter() ? "min" : "max");
      ArrayNode values = item.putArray("values");
      ArrayNode deltas = item.putArray("deltas");
      Double base = row.values().get(0);
      for (Double value : row.values()) {
        if (value == null) {
          values.addNull();
          deltas.addNull();
          continue;
        }
        ObjectNode holder = FormatOption.object();
        Mlflow.putValue(holder, "v", value);
        values.add(holder.get("v"));
        if (base == null || base.isNaN() || value.isNaN()) {
          deltas.addNull();
        } else {
          Mlflow.putValue(holder, "d", value - base);
          deltas.add(holder.get("d"));
        }
      }
      ArrayNode best = item.putArray("best_run_ids");
      row.best().forEach(i -> best.add(runs.get(i).runId()));
    }
    return result;
  }

  private static String render(
      List<RunView> runs,
      Map<String, String> experimentNames,
      List<ParamRow> params,
      List<MetricRow> metrics) {
    StringBuilder text = new StringBuilder();
    List<String> headers = new ArrayList<>(List.of(""));
    for (int i = 0; i < runs.size(); i++) {
      RunView run = runs.get(i);
      headers.add(run.runName().isEmpty() ? "run " + (i + 1) : run.runName());
    }
    Table info = Table.of(headers.toArray(String[]::new));
    info.row(row("run id", runs, RunView::runId));
    info.row(row("experiment", runs, r -> experimentNames.get(r.experimentId())));
    info.row(row("status", runs, RunView::status));
    info.row(row("started", runs, r -> Mlflow.time(r.startTime())));
    info.row(row("duration", runs, RunView::duration));
    text.append(info.render());

    long differing = params.stream().filter(ParamRow::differs).count();
    text.append("\nParams (")
        .append(differing)
        .append(" of ")
        .append(params.size())
        .append(" differ)\n");
    if (params.isEmpty()) {
      text.append("  (none)\n");
    } else {
      List<String> paramHeaders = new ArrayList<>(headers);
      paramHeaders.set(0, "PARAM");
      paramHeaders.add(1, "");
      Table table = Table.of(paramHeaders.toArray(String[]::new));
      for (ParamRow row : params) {
        List<Object> cells = new ArrayList<>(List.of(row.key(), row.differs() ? "differs" : ""));
        row.values().forEach(v -> cells.add(v == null ? "-" : v));
        table.row(cells.toArray());
      }
      text.append(RunsShowCommand.indent(table.render()));
    }

    text.append("\nMetrics (latest; * best, (+/-) difference from ")
        .append(headers.get(1))
        .append(")\n");
    if (metrics.isEmpty()) {
      text.append("  (none)\n");
    } else {
      List<String> metricHeaders = new ArrayList<>(headers);
      metricHeaders.set(0, "METRIC");
      metricHeaders.add(1, "BEST");
      Table table = Table.of(metricHeaders.toArray(String[]::new));
      for (MetricRow row : metrics) {
        List<Object> cells =
            new ArrayList<>(List.of(row.key(), row.smallerIsBetter() ? "min" : "max"));
        Double base = row.values().get(0);
        for (int i = 0; i < row.values().size(); i++) {
          Double value = row.values().get(i);
          if (value == null) {
            cells.add("-");
            continue;
          }
          StringBuilder cell = new StringBuilder(Mlflow.number(value));
          if (i > 0 && base != null && !base.isNaN() && !value.isNaN()) {
            cell.append(" (").append(Mlflow.delta(value - base)).append(')');
          }
          if (row.best().contains(i)) {
            cell.append(" *");
          }
          cells.add(cell.toString());
        }
        table.row(cells.toArray());
      }
      text.append(RunsShowCommand.indent(table.render()));
    }
    return text.toString();
  }

  private static Object[] row(
      String name, List<RunView> runs, java.util.function.Function<RunView, String> cell) {
    List<Object> cells = new ArrayList<>(List.of(name));
    runs.forEach(r -> cells.add(cell.apply(r)));
    return cells.toArray();
  }
}
