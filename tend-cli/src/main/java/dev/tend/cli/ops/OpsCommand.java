package dev.tend.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.ProjectOption;
import dev.tend.cli.Table;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tend ops}: deployment frequency, lead time, change failure rate, incidents, actions. */
@Command(
    name = "ops",
    mixinStandardHelpOptions = true,
    description =
        "Operations figures of a project: deployments, lead time from data push to serving,"
            + " change failure rate, time to detect and recover incidents, automated versus"
            + " manual actions; totals and per day or week ($TEND_URL, $TEND_TOKEN,"
            + " $TEND_PROJECT). See docs/operations-figures.md.")
public final class OpsCommand implements Callable<Integer> {
  private static final Pattern SINCE = Pattern.compile("(\\d{1,6})([hdw])");

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Connection connection;
  @Mixin ProjectOption project;
  @Mixin FormatOption format;

  @Option(names = "--json", description = "JSON output; the same as --format json.")
  boolean json;

  @Option(
      names = "--since",
      paramLabel = "AGE",
      description = "The period up to now, such as 30d (the default), 12h or 2w.")
  Optional<String> since;

  @Option(
      names = "--from",
      paramLabel = "TIME",
      description = "Start of the period: 2026-11-02 (UTC midnight) or 2026-11-02T10:00:00Z.")
  Optional<String> from;

  @Option(
      names = "--to",
      paramLabel = "TIME",
      description = "End of the period (exclusive), in the same forms; default now.")
  Optional<String> to;

  @Option(
      names = "--bucket",
      paramLabel = "day|week",
      description = "Give the figures per UTC day (default) or ISO week.")
  Optional<String> bucket;

  @Option(
      names = "--env",
      paramLabel = "ENV",
      description = "Only deployments of this environment: dev, staging or prod.")
  Optional<String> environment;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    List<String> query = new ArrayList<>();
    if (since.isPresent()) {
      if (from.isPresent() || to.isPresent()) {
        throw new Main.UsageException("give either --since or --from/--to, not both");
      }
      query.add("from=" + clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(age(since.get())));
    }
    from.ifPresent(f -> query.add("from=" + TendClient.query(f)));
    to.ifPresent(t -> query.add("to=" + TendClient.query(t)));
    bucket.ifPresent(b -> query.add("bucket=" + TendClient.query(b)));
    environment.ifPresent(e -> query.add("environment=" + TendClient.query(e)));
    PrintWriter out = spec.commandLine().getOut();
    try (TendClient client = connection.open()) {
      JsonNode figures =
          client
              .get(
                  "/projects/"
                      + TendClient.segment(project.name())
                      + "/operations"
                      + (query.isEmpty() ? "" : "?" + String.join("&", query)))
              .body();
      if (json || format.json()) {
        FormatOption.print(out, figures);
      } else {
        print(out, figures);
      }
      out.flush();
    }
    return Main.OK;
  }

  static Duration age(String text) {
    Matcher m = SINCE.matcher(text.trim());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new Main.UsageException(
          "--since must be a whole number of hours, days or weeks such as 12h, 30d or 2w, got '"
              + text
              + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofDays(7 * n);
    };
  }

  static void print(PrintWriter out, JsonNode f) {
    JsonNode t = f.path("totals");
    out.println(
        "Operations of project "
            + f.path("project").asText()
            + " from "
            + f.path("from").asText()
            + " to "
            + f.path("to").asText()
            + " ("
            + (f.path("environment").isTextual()
                ? f.path("environment").asText()
                : "all environments")
            + ")");
    out.println();
    Table totals = Table.of("FIGURE", "VALUE");
    totals.row("deployments", deployments(t));
    totals.row(
        "change failure rate",
        percent(t.path("change_failure_rate"))
            + " ("
            + t.path("rolled_back_rollouts").asInt()
            + " rolled back, "
            + t.path("reverts").asInt()
            + " reverted, of "
            + t.path("change_attempts").asInt()
            + " changes)");
    totals.row("lead time (data push to serving)", summary(t.path("lead_time")));
    totals.row(
        "incidents",
        t.path("incidents").asInt() + " (" + t.path("resolved_incidents").asInt() + " resolved)");
    totals.row("time to detect", summary(t.path("time_to_detect")));
    totals.row("time to recover", summary(t.path("time_to_recover")));
    totals.row("actions", actions(t.path("actions")) + byKind(t.path("actions_by_kind")));
    out.print(totals.render());

    out.println();
    Table buckets =
        Table.of(
            f.path("bucket").asText().toUpperCase(Locale.ROOT),
            "DEPLOYS",
            "CFR",
            "LEAD p50",
            "INCIDENTS",
            "TTD p50",
            "TTR p50",
            "AUTOMATED",
            "MANUAL");
    for (JsonNode b : f.path("buckets")) {
      JsonNode x = b.path("figures");
      buckets.row(
          b.path("start").asText().substring(0, 10),
          x.path("deployments").asInt(),
          percent(x.path("change_failure_rate")),
          duration(x.at("/lead_time/median_seconds")),
          x.path("incidents").asInt(),
          duration(x.at("/time_to_detect/median_seconds")),
          duration(x.at("/time_to_recover/median_seconds")),
          x.at("/actions/automated").asInt(),
          x.at("/actions/manual").asInt());
    }
    out.print(buckets.render());

    Table changes =
        Table.of("DEPLOYED", "DEPLOYMENT", "ENV", "KIND", "MODEL", "DATA", "LEAD", "BY");
    for (JsonNode c : f.path("changes")) {
      changes.row(
          c.path("at").asText(),
          c.path("deployment").asText(),
          c.path("environment").asText(),
          c.path("kind").asText() + (c.path("revert").asBoolean() ? " (revert)" : ""),
          c.path("model").isTextual()
              ? c.path("model").asText() + " v" + c.path("model_version").asInt()
              : c.path("version_id").asText(),
          c.path("dataset").isTextual()
              ? c.path("dataset").asText() + " v" + c.path("dataset_version").asInt()
              : "-",
          duration(c.path("lead_time_seconds")),
          c.path("actor").asText() + (c.path("automated").asBoolean() ? " (automated)" : ""));
    }
    if (!changes.isEmpty()) {
      out.println();
      out.print(changes.render());
    }
    Table incidents =
        Table.of("OPENED", "INCIDENT", "DEPLOYMENT", "SEVERITY", "STATE", "TTD", "TTR");
    for (JsonNode i : f.path("incidents")) {
      incidents.row(
          i.path("opened_at").asText(),
          i.path("id").asText(),
          i.path("deployment").asText(),
          i.path("severity").asText(),
          i.path("state").asText(),
          duration(i.path("time_to_detect_seconds")),
          duration(i.path("time_to_recover_seconds")));
    }
    if (!incidents.isEmpty()) {
      out.println();
      out.print(incidents.render());
    }
  }

  private static String deployments(JsonNode t) {
    StringBuilder text =
        new StringBuilder()
            .append(t.path("deployments").asInt())
            .append(
                String.format(
                    Locale.ROOT, " (%.2f a day", t.path("deployments_per_day").asDouble()));
    for (Iterator<Map.Entry<String, JsonNode>> it =
            t.path("deployments_by_environment").properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      text.append("; ").append(e.getKey()).append(' ').append(e.getValue().asInt());
    }
    return text.append(')').toString();
  }

  private static String actions(JsonNode a) {
    return a.path("total").asInt()
        + ": "
        + a.path("automated").asInt()
        + " automated, "
        + a.path("manual").asInt()
        + " manual";
  }

  private static String byKind(JsonNode kinds) {
    List<String> parts = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = kinds.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      parts.add(e.getKey() + " " + e.getValue().path("total").asInt());
    }
    return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
  }

  private static String summary(JsonNode s) {
    if (s.path("count").asInt() == 0) {
      return "-";
    }
    return "median "
        + duration(s.path("median_seconds"))
        + ", p90 "
        + duration(s.path("p90_seconds"))
        + " (of "
        + s.path("count").asInt()
        + ")";
  }

  private static String percent(JsonNode rate) {
    return rate.isNumber() ? String.format(Locale.ROOT, "%.1f%%", rate.asDouble() * 100) : "-";
  }

  /* Seconds as 2d3h, 1h05m10s or 45s; a dash when unknown. */
  static String duration(JsonNode seconds) {
    if (!seconds.isNumber()) {
      return "-";
    }
    double value = seconds.asDouble();
    String sign = value < 0 ? "-" : "";
    Duration d = Duration.ofMillis(Math.round(Math.abs(value) * 1000));
    StringBuilder text = new StringBuilder(sign);
    if (d.toDays() > 0) {
      text.append(d.toDays()).append('d');
    }
    if (d.toHoursPart() > 0) {
      text.append(d.toHoursPart()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      text.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0 || text.length() == sign.length()) {
      text.append(d.toSecondsPart()).append('s');
    }
    return text.toString();
  }
}
