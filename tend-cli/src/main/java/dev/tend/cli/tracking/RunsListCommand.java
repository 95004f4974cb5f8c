package dev.tend.cli.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.Table;
import dev.tend.cli.remote.ProblemException;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tend runs list}: searches runs with MLflow's filter grammar (and Tend's {@code OR}), in
 * the order asked, following page tokens up to a limit or to the end.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Lists runs, newest first unless --order-by says otherwise, in every experiment the token may"
          + " read or in those named.",
      "Filters use MLflow's grammar plus OR and parentheses:"
          + " \"metrics.auc > 0.8 AND (params.model = 'xgb' OR tags.team = 'ml')\"."
    })
final class RunsListCommand implements Callable<Integer> {
  /** How many metric columns the table shows at most; --format json has them all. */
  static final int METRIC_COLUMNS = 6;

  private static final Pattern METRIC_ORDER =
      Pattern.compile("(?i)metrics?\\.(?:`([^`]*)`|\"([^\"]*)\"|(\\S+))(?:\\s+(?:asc|desc))?\\s*");

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Connection connection;
  @Mixin FormatOption format;

  @Option(
      names = {"--experiment", "-e"},
      paramLabel = "NAME|ID",
      description = "Only runs of this experiment (repeatable; default: every experiment).")
  List<String> experiments = new ArrayList<>();

  @Option(
      names = "--filter",
      paramLabel = "EXPR",
      description = "MLflow filter, with OR and parentheses: \"metrics.acc > 0.9\".")
  String filter;

  @Option(
      names = "--order-by",
      paramLabel = "CLAUSE",
      description = "Order, repeatable: \"metrics.auc DESC\", \"params.lr\", \"start_time\".")
  List<String> orderBy = new ArrayList<>();

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "Show at most N runs (default: 100).")
  int limit;

  @Option(names = "--all", description = "Show every matching run, page after page.")
  boolean all;

  @Option(
      names = "--view",
      paramLabel = "VIEW",
      defaultValue = "active",
      description = "active (default), deleted or all runs.")
  String view;

  @Option(
      names = "--page-size",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Runs asked for per request (default: 1000, at most 50000).")
  int pageSize;

  @Override
  public Integer call() {
    boolean json = format.json();
    if (!all && limit < 1) {
      throw new Main.UsageException("--limit must be at least 1, got " + limit);
    }
    if (pageSize < 1 || pageSize > 50_000) {
      throw new Main.UsageException("--page-size must be 1 to 50000, got " + pageSize);
    }
    String viewType = viewType(view);
    Map<String, String> experimentNames = new LinkedHashMap<>();
    List<RunView> runs = new ArrayList<>();
    boolean truncated;
    String server;
    try (TendClient client = connection.open()) {
      server = client.server().toString();
      if (experiments.isEmpty()) {
        visibleExperiments(client, viewType.equals("ACTIVE_ONLY") ? "ACTIVE_ONLY" : "ALL")
            .forEach(e -> experimentNames.put(e.path("experiment_id").asText(), name(e)));
      } else {
        for (String experiment : experiments) {
          JsonNode found = Mlflow.experiment(client, experiment);
          experimentNames.put(found.path("experiment_id").asText(), name(found));
        }
      }
      truncated =
          !experimentNames.isEmpty()
              && search(client, List.copyOf(experimentNames.keySet()), viewType, runs);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode result = FormatOption.object();
      ArrayNode searched = result.putArray("experiments");
      experimentNames.forEach(
          (id, name) -> searched.addObject().put("experiment_id", id).put("name", name));
      ArrayNode list = result.putArray("runs");
      runs.forEach(
          r -> list.add(r.toJson(Optional.ofNullable(experimentNames.get(r.experimentId())))));
      result.put("truncated", truncated);
      FormatOption.print(out, result);
      return Main.OK;
    }
    if (runs.isEmpty()) {
      out.println(
          experimentNames.isEmpty()
              ? "No experiments on " + server + " that this token may read."
              : "No runs match.");
      out.flush();
      return Main.OK;
    }
    out.print(table(runs, experimentNames).render());
    if (truncated) {
      out.printf("(the first %d runs; more match: raise --limit or use --all)%n", runs.size());
    }
    out.flush();
    return Main.OK;
  }

  /** Every experiment the token may read, in MLflow's default order. */
  static List<JsonNode> visibleExperiments(TendClient client, String viewType) {
    List<JsonNode> found = new ArrayList<>();
    Mlflow.pages(
        OptionalInt.empty(),
        Mlflow.MAX_PAGE,
        "experiments",
        (size, token) ->
            Mlflow.get(
                client,
                "/experiments/search",
                "view_type",
                viewType,
                "max_results",
                Integer.toString(size),
                "page_token",
                token.orElse(null)),
        found::add);
    return found;
  }

  private boolean search(
      TendClient client, List<String> experimentIds, String viewType, List<RunView> runs) {
    try {
      return Mlflow.pages(
          all ? OptionalInt.empty() : OptionalInt.of(limit),
          pageSize,
          "runs",
          (size, token) -> {
            ObjectNode body = FormatOption.object();
            ArrayNode ids = body.putArray("experiment_ids");
            experimentIds.forEach(ids::add);
            if (filter != null) {
              body.put("filter", filter);
            }
            body.put("run_view_type", viewType);
            body.put("max_results", size);
            ArrayNode order = body.putArray("order_by");
            orderBy.forEach(order::add);
            token.ifPresent(t -> body.put("page_token", t));
            return Mlflow.post(client, "/runs/search", body);
          },
          run -> runs.add(RunView.of(run)));
    } catch (ProblemException e) {
      throw Mlflow.searchError(e, "--filter");
    }
  }

  private static String viewType(String view) {
    return switch (view.toLowerCase(Locale.ROOT)) {
      case "active" -> "ACTIVE_ONLY";
      case "deleted" -> "DELETED_ONLY";
      case "all" -> "ALL";
      default ->
          throw new Main.UsageException(
              "unknown --view '" + view + "'; use active, deleted or all");
    };
  }

  private static String name(JsonNode experiment) {
    return experiment.path("name").asText();
  }

  private Table table(List<RunView> runs, Map<String, String> experimentNames) {
    List<String> metrics = metricColumns(runs);
    List<String> headers =
        new ArrayList<>(List.of("RUN ID", "NAME", "EXPERIMENT", "STATUS", "STARTED", "DURATION"));
    metrics.forEach(m -> headers.add(m.toUpperCase(Locale.ROOT)));
    Table table = Table.of(headers.toArray(String[]::new));
    for (RunView run : runs) {
      List<Object> cells = new ArrayList<>();
      cells.add(run.runId());
      cells.add(run.runName());
      cells.add(experimentNames.getOrDefault(run.experimentId(), run.experimentId()));
      cells.add(run.status());
      cells.add(Mlflow.time(run.startTime()));
      cells.add(run.duration());
      for (String metric : metrics) {
        RunView.MetricPoint point = run.metrics().get(metric);
        cells.add(point == null ? "-" : Mlflow.number(point.value()));
      }
      table.row(cells.toArray());
    }
    return table;
  }

  /** The metrics named by --order-by first, then the others by name, at most a few. */
  private List<String> metricColumns(List<RunView> runs) {
    Set<String> columns = new LinkedHashSet<>();
    for (String clause : orderBy) {
      Matcher matcher = METRIC_ORDER.matcher(clause.strip());
      if (matcher.matches()) {
        columns.add(
            matcher.group(1) != null
                ? matcher.group(1)
                : matcher.group(2) != null ? matcher.group(2) : matcher.group(3));
      }
    }
    Set<String> logged = new TreeSet<>();
    runs.forEach(r -> logged.addAll(r.metrics().keySet()));
    columns.retainAll(logged);
    columns.addAll(logged);
    return columns.stream().limit(METRIC_COLUMNS).toList();
  }
}
