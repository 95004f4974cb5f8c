package dev.tend.cli.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.ProjectOption;
import dev.tend.cli.Table;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tend monitor status|show|windows|set}. */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description =
        "A deployment's monitor ($TEND_URL, $TEND_TOKEN, $TEND_PROJECT): status, show, windows,"
            + " set. Every deployment is watched with one-hour windows unless set otherwise.",
    subcommands = {
      MonitorCommand.Status.class,
      MonitorCommand.Show.class,
      MonitorCommand.Windows.class,
      MonitorCommand.Set.class
    })
public final class MonitorCommand {
  private MonitorCommand() {}

  static String monitorPath(String project, String deployment) {
    return "/projects/"
        + TendClient.segment(project)
        + "/deployments/"
        + TendClient.segment(deployment)
        + "/monitor";
  }

  /* An ISO-8601 instant, checked before asking the server. */
  static String instant(String option, String text) {
    try {
      return Instant.parse(text).toString();
    } catch (DateTimeParseException e) {
      throw new Main.UsageException(
          option + " must be an ISO-8601 instant such as 2026-11-20T10:00:00Z, got '" + text + "'");
    }
  }

  static String query(List<String[]> params) {
    StringBuilder query = new StringBuilder();
    for (String[] p : params) {
      if (p[1] != null) {
        query
            .append(query.isEmpty() ? "?" : "&")
            .append(p[0])
            .append('=')
            .append(TendClient.query(p[1]));
      }
    }
    return query.toString();
  }

  static String number(JsonNode value) {
    if (!value.isNumber()) {
      return "";
    }
    double v = value.asDouble();
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.4g", v);
  }

  static void printMonitor(PrintWriter out, JsonNode m) {
    JsonNode status = m.path("status");
    out.println(
        m.path("deployment").asText()
            + " (project "
            + m.path("project").asText()
            + "): "
            + (m.path("enabled").asBoolean() ? "watched" : "not watched")
            + ", windows of "
            + m.path("window").asText()
            + (m.hasNonNull("segment_column")
                ? ", segmented by " + m.path("segment_column").asText()
                : ""));
    out.println("Reference: " + m.path("reference").path("note").asText());
    out.println(
        "Ingested up to "
            + status.path("cursor").asText()
            + (status.hasNonNull("lag_seconds")
                ? String.format(
                    Locale.ROOT, " (%.0fs behind)", status.path("lag_seconds").asDouble())
                : "")
            + "; feedback up to "
            + status.path("feedback_cursor").asText()
            + "; "
            + status.path("windows").asLong()
            + " windows"
            + (status.hasNonNull("last_run_at")
                ? "; last run " + status.path("last_run_at").asText()
                : ""));
    if (status.hasNonNull("last_error")) {
      out.println(
          "Last error ("
              + status.path("last_error_at").asText()
              + "): "
              + status.path("last_error").asText());
    }
    Table latest = Table.of("METRIC", "COLUMN", "VALUE", "COUNT", "95% INTERVAL");
    for (JsonNode p : m.path("latest")) {
      latest.row(row(p));
    }
    if (!latest.isEmpty()) {
      JsonNode first = m.path("latest").get(0);
      out.println(
          "Latest window "
              + first.path("window_start").asText()
              + " to "
              + first.path("window_end").asText()
              + ":");
      out.print(latest.render());
    }
    out.flush();
  }

  static Object[] row(JsonNode p) {
    return new Object[] {
      p.path("metric").asText(),
      p.path("column").asText(""),
      number(p.path("value")),
      Table.count(p.path("count").asLong()),
      p.hasNonNull("lower")
          ? "[" + number(p.path("lower")) + ", " + number(p.path("upper")) + "]"
          : ""
    };
  }

  /** {@code tend monitor status DEPLOYMENT}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Shows a deployment's monitor: settings, reference, how far ingest got, the last error"
              + " and the newest window's figures.")
  static final class Status implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin FormatOption format;

    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment.")
    String deployment;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode m = client.get(monitorPath(project.name(), deployment)).body();
        if (format.json()) {
          FormatOption.print(out, m);
        } else {
          printMonitor(out, m);
        }
        return 0;
      }
    }
  }

  /** {@code tend monitor show DEPLOYMENT [--window START | --from X --to Y]}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Shows every figure of one window (--window START) or of a range merged from its"
              + " windows' sketches (--from, --to; default the last day): drift per feature,"
              + " quality, performance, estimates, latency and outcomes, per version and segment.")
  static final class Show implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin FormatOption format;

    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment.")
    String deployment;

    @Option(names = "--window", paramLabel = "START", description = "A window's start (ISO-8601).")
    String window;

    @Option(names = "--from", paramLabel = "INSTANT", description = "The range's start.")
    String from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "The range's end.")
    String to;

    @Override
    public Integer call() {
      if (window != null && (from != null || to != null)) {
        throw new Main.UsageException("give --window START, or --from and --to, not both");
      }
      String base = monitorPath(project.name(), deployment);
      String path =
          window != null
              ? base + "/windows/" + TendClient.segment(instant("--window", window))
              : base
                  + "/summary"
                  + query(
                      List.of(
                          new String[] {"from", from == null ? null : instant("--from", from)},
                          new String[] {"to", to == null ? null : instant("--to", to)}));
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode detail = client.get(path).body();
        if (format.json()) {
          FormatOption.print(out, detail);
          return 0;
        }
        out.println(
            detail.path("deployment").asText()
                + (window != null ? ", window " : ", from ")
                + detail.path("start").asText()
                + "; reference: "
                + detail.path("reference").path("note").asText());
        for (JsonNode g : detail.path("groups")) {
          out.println();
          out.println(
              "Version "
                  + g.path("model_version").asText()
                  + (g.path("segment").asText().isEmpty() ? "" : ", " + g.path("segment").asText())
                  + ": "
                  + Table.count(g.path("rows").asLong())
                  + " predictions, "
                  + Table.count(g.path("failed_requests").asLong())
                  + " failed requests, to "
                  + g.path("end").asText());
          Table drift =
              Table.of(
                  "FEATURE", "METHOD", "STATISTIC", "P-VALUE", "EFFECT", "THRESHOLD", "DRIFTED");
          for (JsonNode d : g.path("drift")) {
            drift.row(
                d.path("column").asText(),
                d.path("method").asText(),
                number(d.path("statistic")),
                number(d.path("p_value")),
                number(d.path("effect_size")),
                number(d.path("threshold")),
                d.path("drifted").asBoolean() ? "yes" : "no");
          }
          if (!drift.isEmpty()) {
            out.print(drift.render());
          }
          for (JsonNode s : g.path("drift_skipped")) {
            out.println(
                "  drift of "
                    + s.path("column").asText()
                    + " skipped: "
                    + s.path("reason").asText());
          }
          Table figures = Table.of("SECTION", "METRIC", "COLUMN", "VALUE", "COUNT", "95% INTERVAL");
          for (Map.Entry<String, JsonNode> section : g.path("figures").properties()) {
            for (JsonNode p : section.getValue()) {
              List<Object> cells = new ArrayList<>();
              cells.add(section.getKey());
              cells.addAll(List.of(row(p)));
              figures.row(cells.toArray());
            }
          }
          if (!figures.isEmpty()) {
            out.print(figures.render());
          }
        }
        out.flush();
        return 0;
      }
    }
  }

  /** {@code tend monitor windows DEPLOYMENT [--from --to --metric M]}. */
  @Command(
      name = "windows",
      mixinStandardHelpOptions = true,
      description =
          "Lists a deployment's windows (default the last day) with their key figures, or with"
              + " --metric one figure's time series.")
  static final class Windows implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin FormatOption format;

    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment.")
    String deployment;

    @Option(names = "--from", paramLabel = "INSTANT", description = "The first window start.")
    String from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "Windows starting before this.")
    String to;

    @Option(
        names = "--metric",
        paramLabel = "METRIC",
        description = "A figure such as accuracy, latency_p99_ms or feature_drift.")
    String metric;

    @Option(
        names = "--column",
        paramLabel = "COLUMN",
        description = "With --metric: the feature or outcome it is about.")
    String column;

    @Option(
        names = "--version",
        paramLabel = "ID",
        description = "A model version's id (default all).")
    String version;

    @Option(names = "--segment", paramLabel = "COL=VALUE", description = "One segment's windows.")
    String segment;

    @Override
    public Integer call() {
      if (column != null && metric == null) {
        throw new Main.UsageException("--column applies to --metric");
      }
      List<String[]> params = new ArrayList<>();
      params.add(new String[] {"from", from == null ? null : instant("--from", from)});
      params.add(new String[] {"to", to == null ? null : instant("--to", to)});
      params.add(new String[] {"version", version});
      params.add(new String[] {"segment", segment});
      String base = monitorPath(project.name(), deployment);
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        if (metric != null) {
          params.add(new String[] {"metric", metric});
          params.add(new String[] {"column", column});
          JsonNode series = client.get(base + "/figures" + query(params)).body();
          if (format.json()) {
            FormatOption.print(out, series);
            return 0;
          }
          Table table = Table.of("WINDOW", "VALUE", "COUNT", "95% INTERVAL");
          for (JsonNode p : series.path("items")) {
            Object[] cells = row(p);
            table.row(p.path("window_start").asText(), cells[2], cells[3], cells[4]);
          }
          out.print(
              table.isEmpty() ? "No figures of " + metric + " in the range.\n" : table.render());
          out.flush();
          return 0;
        }
        JsonNode windows = client.get(base + "/windows" + query(params)).body();
        if (format.json()) {
          FormatOption.print(out, windows);
          return 0;
        }
        Table table =
            Table.of(
                "START",
                "ROWS",
                "FAILED",
                "ERROR RATE",
                "P99 MS",
                "DRIFTED",
                "ACCURACY",
                "EST. ACCURACY",
                "LABELLED");
        for (JsonNode w : windows.path("items")) {
          JsonNode f = w.path("figures");
          table.row(
              w.path("start").asText(),
              Table.count(w.path("rows").asLong()),
              Table.count(w.path("failed_requests").asLong()),
              number(f.path("error_rate")),
              number(f.path("latency_p99_ms")),
              number(f.path("drifted_feature_share")),
              number(f.path("accuracy")),
              number(f.path("estimated_accuracy")),
              number(f.path("label_coverage")));
        }
        out.print(table.isEmpty() ? "No windows in the range.\n" : table.render());
        out.flush();
        return 0;
      }
    }
  }

  /** {@code tend monitor set DEPLOYMENT [--window 1h] [--segment COL] [--reference DS@V]}. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description =
          "Changes a deployment's monitor: window length, segment column, reference dataset"
              + " version, or whether it is watched at all (editor role).")
  static final class Set implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin FormatOption format;

    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment.")
    String deployment;

    @Option(
        names = "--window",
        paramLabel = "DURATION",
        description = "Window length: 1h, 5m, 10s (at least 1s).")
    String window;

    @Option(
        names = "--segment",
        paramLabel = "COLUMN",
        description = "An input splitting every figure by its values; \"\" for none.")
    String segment;

    @Option(
        names = "--reference",
        paramLabel = "DATASET@VERSION",
        description = "The dataset version drift is measured against; \"\" for the training data.")
    String reference;

    @Option(
        names = "--enabled",
        paramLabel = "true|false",
        description = "Whether to watch at all.")
    Boolean enabled;

    @Override
    public Integer call() {
      ObjectNode body = FormatOption.object();
      if (window != null) {
        body.put("window", window);
      }
      if (segment != null) {
        if (segment.isEmpty()) {
          body.putNull("segment_column");
        } else {
          body.put("segment_column", segment);
        }
      }
      if (reference != null) {
        if (reference.isEmpty()) {
          body.putNull("reference");
        } else {
          body.put("reference", reference);
        }
      }
      if (enabled != null) {
        body.put("enabled", enabled);
      }
      if (body.isEmpty()) {
        throw new Main.UsageException(
            "give at least one of --window, --segment, --reference, --enabled");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode m =
            client
                .send("PUT", monitorPath(project.name(), deployment), Optional.of(body), Map.of())
                .body();
        if (format.json()) {
          FormatOption.print(out, m);
        } else {
          out.println("Updated the monitor of " + deployment + ".");
          printMonitor(out, m);
        }
        return 0;
      }
    }
  }
}
