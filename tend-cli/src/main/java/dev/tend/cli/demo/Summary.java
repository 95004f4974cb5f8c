package dev.tend.cli.demo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the scenario did, read back from the server at the end: alerts by rule and the columns they
 * named, retrains, gate figures, promotions and rollbacks, AUC and F1 of the labelled windows
 * before the first drift or performance alert, during the degradation and after the promotion, time
 * to detect and recover, and whether the loop closed.
 */
final class Summary {
  /** Data quality metrics: an alert on one of them is a broken feed. */
  static final Set<String> QUALITY =
      Set.of(
          "missing_share",
          "out_of_range_share",
          "unseen_category_share",
          "schema_violation_share",
          "quality_score",
          "checks_failed");

  /** Drift and labelled performance metrics: an alert on one of them is the world changing. */
  static final Set<String> DRIFT_OR_PERFORMANCE =
      Set.of(
          "feature_drift",
          "feature_drift_previous",
          "drift_detected",
          "drifted_feature_share",
          "prediction_drift",
          "roc_auc",
          "f1",
          "accuracy",
          "precision",
          "recall",
          "log_loss",
          "estimated_roc_auc",
          "estimated_f1",
          "estimated_accuracy");

  /** Per-window figures kept in the JSON summary for each week: how the rules were calibrated. */
  static final List<String[]> FIGURES =
      List.of(
          new String[] {"roc_auc", null},
          new String[] {"f1", null},
          new String[] {"checks_failed", null},
          new String[] {"drifted_feature_share", null},
          new String[] {"missing_share", "origin"},
          new String[] {"out_of_range_share", "distance"},
          new String[] {"feature_drift", "origin"},
          new String[] {"feature_drift", "destination"},
          new String[] {"feature_drift", "distance"},
          new String[] {"feature_drift", "date"});

  /** The outcome of a week's labels and push. */
  record Pushed(long labels, Instant labelledAt, boolean accepted, int exitCode, String output) {
    Pushed {
      requireNonNull(labelledAt, "labelledAt is null");
      requireNonNull(output, "output is null");
    }
  }

  /** One replayed week: when its window started, what was answered, how its push went. */
  static final class WeekRecord {
    private final DemoData.Week week;
    private final Instant windowStart;
    private final TrafficReplayer.Replay replay;
    private Pushed pushed;

    WeekRecord(DemoData.Week week, Instant windowStart, TrafficReplayer.Replay replay) {
      this.week = requireNonNull(week, "week is null");
      this.windowStart = requireNonNull(windowStart, "windowStart is null");
      this.replay = requireNonNull(replay, "replay is null");
    }

    DemoData.Week week() {
      return week;
    }

    Instant windowStart() {
      return windowStart;
    }

    TrafficReplayer.Replay replay() {
      return replay;
    }

    Pushed pushed() {
      return pushed;
    }

    void pushed(Pushed value) {
      this.pushed = requireNonNull(value, "value is null");
    }
  }

  /** AUC and F1 over a phase's labelled windows (their plain mean), with the weeks it holds. */
  record Phase(String name, List<String> weeks, OptionalDouble auc, OptionalDouble f1) {
    Phase {
      requireNonNull(name, "name is null");
      weeks = List.copyOf(weeks);
      requireNonNull(auc, "auc is null");
      requireNonNull(f1, "f1 is null");
    }
  }

  private final List<WeekRecord> weeks;
  private final List<JsonNode> alerts;
  private final List<JsonNode> incidents;
  private final List<JsonNode> actions;
  private final Optional<JsonNode> operations;
  private final TreeMap<Instant, LoopWatcher.Point> auc;
  private final TreeMap<Instant, LoopWatcher.Point> f1;
  private final Map<String, TreeMap<Instant, LoopWatcher.Point>> figures;
  private final boolean setupOk;
  private final boolean automation;

  Summary(
      List<WeekRecord> weeks,
      List<JsonNode> alerts,
      List<JsonNode> incidents,
      List<JsonNode> actions,
      Optional<JsonNode> operations,
      TreeMap<Instant, LoopWatcher.Point> auc,
      TreeMap<Instant, LoopWatcher.Point> f1,
      Map<String, TreeMap<Instant, LoopWatcher.Point>> figures,
      boolean setupOk,
      boolean automation) {
    this.figures = Map.copyOf(figures);
    this.weeks = List.copyOf(weeks);
    this.alerts = List.copyOf(alerts);
    this.incidents = List.copyOf(incidents);
    this.actions = List.copyOf(actions);
    this.operations = operations;
    this.auc = auc;
    this.f1 = f1;
    this.setupOk = setupOk;
    this.automation = automation;
  }

  static Summary collect(
      LoopWatcher watcher,
      List<WeekRecord> weeks,
      Instant from,
      boolean setupOk,
      boolean automation) {
    List<JsonNode> alerts = new ArrayList<>();
    for (JsonNode a : watcher.alerts()) {
      alerts.add(watcher.alert(a.path("id").asText()));
    }
    List<JsonNode> actions = new ArrayList<>();
    for (JsonNode a : watcher.actions()) {
      actions.add(watcher.action(a.path("id").asText()));
    }
    Map<String, TreeMap<Instant, LoopWatcher.Point>> figures = new LinkedHashMap<>();
    for (String[] f : FIGURES) {
      figures.put(
          f[1] == null ? f[0] : f[0] + "(" + f[1] + ")",
          watcher.figures(f[0], Optional.ofNullable(f[1]), from));
    }
    return new Summary(
        weeks,
        alerts.reversed(),
        watcher.incidents().reversed(),
        actions.reversed(),
        watcher.operations(from),
        watcher.figures("roc_auc", Optional.empty(), from),
        watcher.figures("f1", Optional.empty(), from),
        figures,
        setupOk,
        automation);
  }

  // ---------------------------------------------------------------- the story's figures

  /**
   * Columns the data quality alerts named, themselves or in their root cause (its quality figures,
   * failing checks, and features whose drift began in the alert's window).
   */
  Set<String> qualityColumns() {
    Set<String> columns = new TreeSet<>();
    for (JsonNode a : alerts) {
      if (!QUALITY.contains(a.path("metric").asText())) {
        continue;
      }
      if (!a.path("column").asText("").isEmpty()) {
        columns.add(a.path("column").asText());
      }
      JsonNode cause = a.path("root_cause");
      for (JsonNode check : cause.path("failing_checks")) {
        for (JsonNode c : check.path("columns")) {
          columns.add(c.asText());
        }
      }
      for (JsonNode q : cause.path("quality")) {
        columns.add(q.path("column").asText());
      }
      // A feature whose drift began in the very window of a quality alert broke with it (distances
      // in kilometres shift the whole distribution); drift older than the window is not the feed's.
      String window = cause.path("window").path("start").asText();
      for (JsonNode d : cause.path("drifted_features")) {
        if (!window.isEmpty() && d.path("since").asText().equals(window)) {
          columns.add(d.path("column").asText());
        }
      }
    }
    columns.remove("");
    return columns;
  }

  Optional<JsonNode> firstDriftOrPerformanceAlert() {
    return alerts.stream()
        .filter(a -> DRIFT_OR_PERFORMANCE.contains(a.path("metric").asText()))
        .min((a, b) -> a.path("fired_at").asText().compareTo(b.path("fired_at").asText()));
  }

  Optional<JsonNode> firstPromotion() {
    return actions.stream().filter(a -> a.path("state").asText().equals("promoted")).findFirst();
  }

  /** When the first promoted action finished (its last audit entry, else its update time). */
  Optional<Instant> promotedAt() {
    return firstPromotion()
        .map(
            a ->
                Instant.parse(
                    a.hasNonNull("finished_at")
                        ? a.path("finished_at").asText()
                        : a.path("updated_at").asText()));
  }

  List<Phase> phases() {
    Optional<Instant> onset =
        firstDriftOrPerformanceAlert().map(a -> Instant.parse(a.path("onset").asText()));
    Optional<Instant> promoted = promotedAt();
    List<WeekRecord> before = new ArrayList<>();
    List<WeekRecord> during = new ArrayList<>();
    List<WeekRecord> after = new ArrayList<>();
    for (WeekRecord w : weeks) {
      if (w.week().broken()) {
        continue;
      }
      if (onset.isEmpty() || w.windowStart().isBefore(onset.get())) {
        before.add(w);
      } else if (promoted.isEmpty() || w.windowStart().isBefore(promoted.get())) {
        during.add(w);
      } else {
        after.add(w);
      }
    }
    return List.of(
        phase("before the first drift/performance alert", before),
        phase("degradation, until the promotion", during),
        phase("after the promotion", after));
  }

  private Phase phase(String name, List<WeekRecord> records) {
    List<String> labels = new ArrayList<>();
    double aucSum = 0;
    double f1Sum = 0;
    int n = 0;
    for (WeekRecord w : records) {
      LoopWatcher.Point a = auc.get(w.windowStart());
      LoopWatcher.Point f = f1.get(w.windowStart());
      if (a != null && f != null) {
        labels.add(w.week().start().toString());
        aucSum += a.value();
        f1Sum += f.value();
        n++;
      }
    }
    return new Phase(
        name,
        labels,
        n == 0 ? OptionalDouble.empty() : OptionalDouble.of(aucSum / n),
        n == 0 ? OptionalDouble.empty() : OptionalDouble.of(f1Sum / n));
  }

  /** Why the loop did not close, one reason per unmet condition; empty when it closed. */
  List<String> unmet() {
    List<String> unmet = new ArrayList<>();
    if (!setupOk) {
      unmet.add("a set-up command failed (see above)");
    }
    Set<String> quality = qualityColumns();
    if (!quality.contains("origin") || !quality.contains("distance")) {
      unmet.add("the data quality alerts named " + quality + ", not both origin and distance");
    }
    if (firstDriftOrPerformanceAlert().isEmpty()) {
      unmet.add("no drift or performance alert fired");
    }
    if (!automation) {
      unmet.add("the server has no automation policies, so nothing retrained");
    } else if (firstPromotion().isEmpty()) {
      unmet.add(
          "no automation action reached promoted ("
              + (actions.isEmpty()
                  ? "none started"
                  : "states: " + actions.stream().map(a -> a.path("state").asText()).toList())
              + ")");
    }
    List<Phase> phases = phases();
    OptionalDouble during = phases.get(1).auc();
    OptionalDouble after = phases.get(2).auc();
    if (during.isEmpty() || after.isEmpty() || after.getAsDouble() <= during.getAsDouble()) {
      unmet.add(
          "AUC after the promotion ("
              + format(after)
              + ") is not above AUC during the degradation ("
              + format(during)
              + ")");
    }
    return unmet;
  }

  boolean closed() {
    return unmet().isEmpty();
  }

  // ---------------------------------------------------------------- output

  void print(PrintWriter out) {
    out.println("== Summary");
    long predictions = weeks.stream().mapToLong(w -> w.replay().answered().size()).sum();
    long accepted = weeks.stream().filter(w -> w.pushed() != null && w.pushed().accepted()).count();
    long rejected =
        weeks.stream().filter(w -> w.pushed() != null && !w.pushed().accepted()).count();
    out.printf(
        Locale.ROOT,
        "Traffic: %d weeks, %,d predictions; %d weekly versions accepted, %d rejected (%s)%n",
        weeks.size(),
        predictions,
        accepted,
        rejected,
        String.join(
            ", ",
            weeks.stream()
                .filter(w -> w.pushed() != null && !w.pushed().accepted())
                .map(w -> "week of " + w.week().start())
                .toList()));
    long late = weeks.stream().mapToLong(w -> w.replay().late()).sum();
    if (late > 0) {
      out.printf(
          Locale.ROOT,
          "  %,d sampled flights (%.0f%%) were not sent within their week's window: the machine"
              + " could not keep up; a longer --window or a smaller --sample sends them all%n",
          late,
          100.0 * late / (late + predictions));
    }
    out.println();
    out.println(
        "Alerts (rule, metric, column, fired, value of its last window, time to detect / recover):");
    if (alerts.isEmpty()) {
      out.println("  none");
    }
    for (JsonNode a : alerts) {
      out.printf(
          Locale.ROOT,
          "  %-26s %-20s %-12s %s  %.4g  TTD %s  TTR %s%n",
          a.path("rule").asText(),
          a.path("metric").asText(),
          a.path("column").asText("").isEmpty() ? "-" : a.path("column").asText(),
          a.path("fired_at").asText(),
          a.path("last_value").asDouble(),
          seconds(a.path("time_to_detect_seconds")),
          seconds(a.path("time_to_recover_seconds")));
      JsonNode cause = a.path("root_cause");
      if (cause.hasNonNull("summary")) {
        out.println("      root cause: " + cause.path("summary").asText());
      }
    }
    out.printf(
        Locale.ROOT, "  data quality alerts named: %s%n", String.join(", ", qualityColumns()));
    out.println();
    out.println("Incidents (opened, severity, time to detect / recover):");
    if (incidents.isEmpty()) {
      out.println("  none");
    }
    for (JsonNode i : incidents) {
      out.printf(
          Locale.ROOT,
          "  %s  %-8s  TTD %s  TTR %s  %s%n",
          i.path("opened_at").asText(),
          i.path("severity").asText(),
          seconds(i.path("time_to_detect_seconds")),
          seconds(i.path("time_to_recover_seconds")),
          i.path("title").asText());
    }
    out.println();
    out.println("Automation (retrains, gate, rollout):");
    if (!automation) {
      out.println("  not available on this server");
    } else if (actions.isEmpty()) {
      out.println("  no action started");
    }
    for (JsonNode a : actions) {
      JsonNode gate = a.path("gate");
      out.printf(
          Locale.ROOT,
          "  %s  %-16s trigger %s  champion v%s  challenger %s  gate %s%s%n",
          a.path("created_at").asText(),
          a.path("state").asText(),
          a.path("trigger").path("rule").asText(a.path("trigger").path("kind").asText()),
          a.path("champion").path("version").asText("?"),
          a.path("challenger").hasNonNull("version")
              ? "v" + a.path("challenger").path("version").asText()
              : "-",
          gate.isMissingNode() || gate.isNull()
              ? "-"
              : String.format(
                  Locale.ROOT,
                  "%s %.4f vs %.4f on %d rows (%s)",
                  gate.path("metric").asText(),
                  gate.path("challenger").asDouble(),
                  gate.path("champion").asDouble(),
                  gate.path("rows").asLong(),
                  gate.path("passed").asBoolean() ? "passed" : "failed"),
          a.hasNonNull("reason") ? "  (" + a.path("reason").asText() + ")" : "");
    }
    long promotions =
        actions.stream().filter(a -> a.path("state").asText().equals("promoted")).count();
    long rollbacks =
        actions.stream().filter(a -> a.path("state").asText().equals("rolled-back")).count();
    out.printf(
        Locale.ROOT,
        "  retrains %d, promotions %d, rollbacks %d%n",
        actions.stream().filter(a -> a.hasNonNull("pipeline_run_id")).count(),
        promotions,
        rollbacks);
    out.println();
    out.println("Accuracy of the labelled windows (mean of weekly AUC / F1):");
    for (Phase p : phases()) {
      out.printf(
          Locale.ROOT,
          "  %-42s AUC %s  F1 %s  (%d weeks)%n",
          p.name(),
          format(p.auc()),
          format(p.f1()),
          p.weeks().size());
    }
    operations.ifPresent(
        ops -> {
          JsonNode t = ops.path("totals");
          out.println();
          out.println("Operations (tend ops):");
          out.printf(
              Locale.ROOT,
              "  deployments %d, change failure rate %s, lead time from data push median %s;"
                  + " incidents %d, time to detect median %s, to recover median %s;"
                  + " actions %d automated, %d manual%n",
              t.path("deployments").asLong(),
              t.path("change_failure_rate").isNumber()
                  ? String.format(Locale.ROOT, "%.2f", t.path("change_failure_rate").asDouble())
                  : "-",
              seconds(t.path("lead_time").path("median_seconds")),
              t.path("incidents").asLong(),
              seconds(t.path("time_to_detect").path("median_seconds")),
              seconds(t.path("time_to_recover").path("median_seconds")),
              t.path("actions").path("automated").asLong(),
              t.path("actions").path("manual").asLong());
        });
    out.println();
    List<String> unmet = unmet();
    if (unmet.isEmpty()) {
      out.println(
          "The loop closed: the broken feed was caught and named, drift was detected, a retrain"
              + " on validated data beat the champion, rolled out and accuracy recovered.");
    } else {
      out.println("The loop did not close:");
      unmet.forEach(u -> out.println("  - " + u));
    }
    out.flush();
  }

  JsonNode json() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("closed", closed());
    ArrayNode unmet = root.putArray("unmet");
    unmet().forEach(unmet::add);
    ArrayNode weekArray = root.putArray("weeks");
    for (WeekRecord w : weeks) {
      ObjectNode n = weekArray.addObject();
      n.put("week", w.week().start().toString());
      n.put("broken_feed", w.week().broken());
      n.put("window_start", w.windowStart().toString());
      n.put("predictions", w.replay().answered().size());
      n.put("refused", w.replay().refused());
      n.put("late", w.replay().late());
      ObjectNode split = n.putObject("traffic");
      w.replay().byVersion().forEach(split::put);
      if (w.pushed() != null) {
        n.put("labels", w.pushed().labels());
        n.put("pushed", w.pushed().accepted() ? "accepted" : "rejected");
      }
      ObjectNode values = n.putObject("figures");
      figures.forEach(
          (name, series) -> {
            LoopWatcher.Point p = series.get(w.windowStart());
            if (p != null) {
              values.put(name, p.value());
            }
          });
    }
    root.set("alerts", f.arrayNode().addAll(alerts));
    ArrayNode columns = root.putArray("quality_columns");
    qualityColumns().forEach(columns::add);
    root.set("incidents", f.arrayNode().addAll(incidents));
    root.set("actions", f.arrayNode().addAll(actions));
    ObjectNode phases = root.putObject("phases");
    Map<String, String> keys = new LinkedHashMap<>();
    List<Phase> list = phases();
    keys.put(list.get(0).name(), "before");
    keys.put(list.get(1).name(), "degradation");
    keys.put(list.get(2).name(), "after");
    for (Phase p : list) {
      ObjectNode n = phases.putObject(keys.get(p.name()));
      p.auc().ifPresent(v -> n.put("roc_auc", v));
      p.f1().ifPresent(v -> n.put("f1", v));
      ArrayNode ws = n.putArray("weeks");
      p.weeks().forEach(ws::add);
    }
    operations.ifPresent(o -> root.set("operations", o));
    return root;
  }

  private static String format(OptionalDouble value) {
    return value.isPresent() ? String.format(Locale.ROOT, "%.3f", value.getAsDouble()) : "-";
  }

  private static String seconds(JsonNode value) {
    return value.isNumber() ? String.format(Locale.ROOT, "%.0fs", value.asDouble()) : "-";
  }
}
