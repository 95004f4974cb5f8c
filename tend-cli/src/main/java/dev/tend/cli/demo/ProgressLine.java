package dev.tend.cli.demo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One line per simulated week: the week, what was answered, the newest labelled window's AUC and
 * F1, the alerts firing, the automation's state and the traffic split the clients saw. Reads the
 * server through {@link LoopWatcher}; a read that fails shows as {@code ?} and the replay goes on.
 */
final class ProgressLine {
  private final PrintWriter out;
  private final LoopWatcher watcher;

  ProgressLine(PrintWriter out, LoopWatcher watcher) {
    this.out = requireNonNull(out, "out is null");
    this.watcher = requireNonNull(watcher, "watcher is null");
  }

  void header() {
    out.printf(
        Locale.ROOT,
        "%-22s %7s %-9s %13s %-44s %-22s %s%n",
        "WEEK",
        "PREDS",
        "PUSH",
        "AUC / F1",
        "ALERTS FIRING",
        "AUTOMATION",
        "TRAFFIC");
    out.flush();
  }

  /** The line of {@code week}, replayed in the window starting at {@code start}. */
  void week(
      DemoData.Week week,
      Instant start,
      TrafficReplayer.Replay replay,
      Summary.Pushed previousPush,
      List<Summary.WeekRecord> records) {
    String preds =
        replay.answered().size()
            + (replay.refused() > 0 ? " (" + replay.refused() + " refused)" : "")
            + (replay.late() > 0 ? " (" + replay.late() + " late)" : "");
    String push = previousPush == null ? "-" : previousPush.accepted() ? "prev ok" : "prev REJ";
    out.printf(
        Locale.ROOT,
        "%-22s %7s %-9s %13s %-44s %-22s %s%n",
        week.label() + (week.broken() ? " *" : ""),
        preds,
        push,
        labelled(records),
        truncate(firing(), 44),
        truncate(automation(), 22),
        FlagshipScenario.joinCounts(replay.byVersion()));
    replay.firstRefusal().ifPresent(r -> out.println("    refused: " + r));
    out.flush();
  }

  /** After the last week: the figures of the last labelled windows. */
  void tail(List<Summary.WeekRecord> records) {
    out.printf(
        Locale.ROOT,
        "%-22s %7s %-9s %13s %-44s %-22s%n",
        "(labels of the last week)",
        "",
        records.getLast().pushed() == null
            ? "-"
            : records.getLast().pushed().accepted() ? "prev ok" : "prev REJ",
        labelled(records),
        truncate(firing(), 44),
        truncate(automation(), 22));
    out.println();
    out.flush();
  }

  /** The newest labelled window's AUC and F1, with the week it holds. */
  private String labelled(List<Summary.WeekRecord> records) {
    try {
      Instant from = records.getFirst().windowStart();
      TreeMap<Instant, LoopWatcher.Point> auc = watcher.figures("roc_auc", Optional.empty(), from);
      TreeMap<Instant, LoopWatcher.Point> f1 = watcher.figures("f1", Optional.empty(), from);
      if (auc.isEmpty()) {
        return "-";
      }
      Map.Entry<Instant, LoopWatcher.Point> newest = auc.lastEntry();
      LoopWatcher.Point f = f1.get(newest.getKey());
      return String.format(
          Locale.ROOT,
          "%.3f / %s",
          newest.getValue().value(),
          f == null ? "-" : String.format(Locale.ROOT, "%.3f", f.value()));
    } catch (RuntimeException e) {
      return "? " + e.getMessage();
    }
  }

  private String firing() {
    try {
      TreeSet<String> names = new TreeSet<>();
      for (JsonNode a : watcher.alerts()) {
        if (a.path("state").asText().equals("firing")
            || a.path("state").asText().equals("acknowledged")) {
          String column = a.path("column").asText("");
          names.add(a.path("rule").asText() + (column.isEmpty() ? "" : "[" + column + "]"));
        }
      }
      return names.isEmpty() ? "-" : String.join(", ", names);
    } catch (RuntimeException e) {
      return "?";
    }
  }

  private String automation() {
    try {
      List<JsonNode> actions = watcher.actions();
      if (actions.isEmpty()) {
        return "-";
      }
      JsonNode newest = actions.getFirst();
      String challenger =
          newest.path("challenger").hasNonNull("version")
              ? " v" + newest.path("challenger").path("version").asText()
              : "";
      return newest.path("state").asText() + challenger;
    } catch (RuntimeException e) {
      return "?";
    }
  }

  private static String truncate(String text, int width) {
    return text.length() <= width ? text : text.substring(0, width - 1) + "~";
  }
}
