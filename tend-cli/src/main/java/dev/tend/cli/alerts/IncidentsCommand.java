package dev.tend.cli.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.ProjectOption;
import dev.tend.cli.Table;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tend incidents list|show}. */
@Command(
    name = "incidents",
    mixinStandardHelpOptions = true,
    description =
        "Incidents: a deployment's alerts that overlapped, with their timeline, time to detect"
            + " and time to recover ($TEND_URL, $TEND_TOKEN, $TEND_PROJECT).",
    subcommands = {IncidentsCommand.List.class, IncidentsCommand.Show.class})
public final class IncidentsCommand {
  private IncidentsCommand() {}

  /** {@code tend incidents list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the project's incidents, newest first.")
  static final class List implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode list = client.get(AlertsCommand.projectPath(project.name()) + "/incidents").body();
        if (output.json()) {
          FormatOption.print(out, list);
          return 0;
        }
        Table table =
            Table.of("ID", "STATE", "SEVERITY", "DEPLOYMENT", "OPENED", "TTD", "TTR", "TITLE");
        for (JsonNode i : list.path("items")) {
          table.row(
              i.path("id").asText(),
              i.path("state").asText(),
              i.path("severity").asText(),
              i.path("deployment").asText(),
              i.path("opened_at").asText(),
              duration(i.path("time_to_detect_seconds")),
              duration(i.path("time_to_recover_seconds")),
              i.path("title").asText());
        }
        out.print(table.isEmpty() ? "No incidents.\n" : table.render());
        out.flush();
      }
      return 0;
    }
  }

  /** {@code tend incidents show ID}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Shows an incident: its alerts, their root causes, and its timeline.")
  static final class Show implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Parameters(paramLabel = "ID", description = "The incident's id.")
    String id;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode i =
            client
                .get(
                    AlertsCommand.projectPath(project.name())
                        + "/incidents/"
                        + TendClient.segment(id))
                .body();
        if (output.json()) {
          FormatOption.print(out, i);
          return 0;
        }
        out.println(
            "Incident "
                + i.path("id").asText()
                + " on "
                + i.path("deployment").asText()
                + ": "
                + i.path("title").asText());
        out.println(
            "  "
                + i.path("state").asText()
                + ", "
                + i.path("severity").asText()
                + "; opened "
                + i.path("opened_at").asText()
                + (i.hasNonNull("resolved_at")
                    ? ", resolved " + i.path("resolved_at").asText()
                    : ""));
        out.println(
            "  onset "
                + i.path("onset").asText("-")
                + "; time to detect "
                + duration(i.path("time_to_detect_seconds"))
                + ", time to recover "
                + duration(i.path("time_to_recover_seconds")));
        Table alerts = Table.of("ALERT", "STATE", "SEVERITY", "RULE", "VALUE", "SUMMARY");
        for (JsonNode a : i.path("alerts")) {
          alerts.row(
              a.path("id").asText(),
              a.path("state").asText(),
              a.path("severity").asText(),
              a.path("rule").asText(),
              a.path("last_value").asText(),
              a.path("summary").asText());
        }
        out.println();
        out.print(alerts.render());
        for (JsonNode a : i.path("alerts")) {
          java.util.List<String> cause = RootCauseText.lines(a.get("root_cause"), "");
          if (!cause.isEmpty()) {
            out.println();
            out.println("Alert " + a.path("id").asText() + " (" + a.path("rule").asText() + "):");
            cause.forEach(line -> out.println("  " + line));
          }
        }
        Table timeline = Table.of("AT", "EVENT", "BY", "DETAIL");
        for (JsonNode e : i.path("timeline")) {
          timeline.row(
              e.path("at").asText(),
              e.path("kind").asText(),
              e.path("actor").asText(),
              e.path("detail").asText());
        }
        out.println();
        out.print(timeline.render());
        out.flush();
      }
      return 0;
    }
  }

  /* Seconds as 1h05m10s; empty when unknown. */
  static String duration(JsonNode seconds) {
    if (!seconds.isNumber()) {
      return "";
    }
    Duration d = Duration.ofMillis(Math.round(seconds.asDouble() * 1000));
    StringBuilder text = new StringBuilder();
    if (d.toHours() > 0) {
      text.append(d.toHours()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      text.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0 || text.isEmpty()) {
      text.append(d.toSecondsPart()).append('s');
    }
    return text.toString();
  }
}
