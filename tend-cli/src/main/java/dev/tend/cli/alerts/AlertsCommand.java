package dev.tend.cli.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.alert.AlertRule;
import dev.tend.alert.AlertRuleException;
import dev.tend.alert.AlertRules;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.ProjectOption;
import dev.tend.cli.Table;
import dev.tend.cli.remote.TendClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tend alerts rules apply|list|show|delete}, {@code tend alerts list|show|ack}. */
@Command(
    name = "alerts",
    mixinStandardHelpOptions = true,
    description =
        "Alert rules and the alerts they raise ($TEND_URL, $TEND_TOKEN, $TEND_PROJECT). See"
            + " docs/alerts.md.",
    subcommands = {
      AlertsCommand.Rules.class,
      AlertsCommand.List.class,
      AlertsCommand.AlertShow.class,
      AlertsCommand.Ack.class
    })
public final class AlertsCommand {
  private AlertsCommand() {}

  static String projectPath(String project) {
    return "/projects/" + TendClient.segment(project);
  }

  /** {@code tend alerts rules ...}. */
  @Command(
      name = "rules",
      mixinStandardHelpOptions = true,
      description = "Apply, list, show and delete alert rules.",
      subcommands = {Apply.class, RuleList.class, Show.class, Delete.class})
  static final class Rules {}

  /** {@code tend alerts rules apply FILE}. */
  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description =
          "Creates or replaces the rule in FILE (YAML, or JSON for a .json file); the rule's"
              + " `name` names it. A YAML file may hold several rules separated by `---` lines."
              + " The file is checked here first, so errors point at its lines, and nothing is"
              + " applied when one rule is wrong.")
  static final class Apply implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Parameters(paramLabel = "FILE", description = "The rule, such as f1-low.yaml.")
    Path file;

    @Override
    public Integer call() {
      String text = read(file);
      boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
      java.util.List<String> documents = json ? java.util.List.of(text) : documents(text);
      java.util.List<AlertRule> rules = new java.util.ArrayList<>();
      int line = 0;
      for (String document : documents) {
        // Blank lines in front keep the errors' line numbers those of the file.
        String padded = "\n".repeat(line) + document;
        line += (int) document.chars().filter(c -> c == '\n').count() + 1;
        if (documents.size() > 1 && blank(document)) {
          rules.add(null);
          continue;
        }
        try {
          rules.add(AlertRules.parse(padded, file.toString(), Optional.empty()));
        } catch (AlertRuleException e) {
          throw new Main.UsageException(e.location(), e.getMessage());
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        for (int i = 0; i < documents.size(); i++) {
          AlertRule rule = rules.get(i);
          if (rule == null) {
            continue;
          }
          TendClient.Response response =
              client.sendText(
                  "PUT",
                  projectPath(project.name()) + "/alert-rules/" + TendClient.segment(rule.name()),
                  json ? "application/json" : "application/yaml",
                  documents.get(i));
          if (output.json()) {
            FormatOption.print(out, response.body());
          } else {
            int version = response.body().path("version").asInt();
            out.println(
                (response.status() == 201 ? "Created" : "Applied")
                    + " alert rule "
                    + rule.name()
                    + " (version "
                    + version
                    + ") in project "
                    + project.name());
          }
        }
      }
      return 0;
    }

    /** The YAML documents of {@code text}: the parts between lines that are just {@code ---}. */
    static java.util.List<String> documents(String text) {
      java.util.List<String> documents = new java.util.ArrayList<>();
      StringBuilder current = new StringBuilder();
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        if (lines[i].stripTrailing().equals("---")) {
          documents.add(current.toString());
          current.setLength(0);
        } else {
          current.append(lines[i]);
          if (i < lines.length - 1) {
            current.append('\n');
          }
        }
      }
      documents.add(current.toString());
      return documents;
    }

    private static boolean blank(String document) {
      return document.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"));
    }
  }

  /** {@code tend alerts rules list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the rules.")
  static final class RuleList implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode list = client.get(projectPath(project.name()) + "/alert-rules").body();
        if (output.json()) {
          FormatOption.print(out, list);
          return 0;
        }
        Table table =
            Table.of("RULE", "METRIC", "DEPLOYMENT", "CONDITION", "FOR", "SEVERITY", "VERSION");
        for (JsonNode r : list.path("items")) {
          JsonNode rule = r.path("rule");
          table.row(
              r.path("name").asText(),
              rule.path("metric").asText()
                  + (rule.hasNonNull("column") ? "[" + rule.path("column").asText() + "]" : ""),
              rule.path("deployment").asText(),
              condition(rule.path("condition")),
              rule.path("for").asInt(),
              rule.path("severity").asText(),
              r.path("version").asInt());
        }
        out.print(table.isEmpty() ? "No alert rules.\n" : table.render());
        out.flush();
      }
      return 0;
    }
  }

  /* A condition in one line, such as "< 0.5" or "change by 20% down from previous 6". */
  static String condition(JsonNode condition) {
    if (condition.has("threshold")) {
      JsonNode t = condition.path("threshold");
      return t.path("op").asText() + " " + t.path("value").asText();
    }
    if (condition.has("change")) {
      JsonNode c = condition.path("change");
      String baseline = c.path("baseline").asText();
      return "change by "
          + c.path("by").asText()
          + " "
          + c.path("direction").asText()
          + " from "
          + baseline
          + (baseline.equals("previous") ? " " + c.path("windows").asInt() : "")
          + (baseline.equals("reference") ? " " + c.path("reference").asText() : "");
    }
    JsonNode a = condition.path("anomaly");
    return "anomaly |z| >= "
        + a.path("z").asText()
        + " over "
        + a.path("windows").asInt()
        + " windows, "
        + a.path("direction").asText();
  }

  /** {@code tend alerts rules show NAME}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Shows a rule as it was applied.")
  static final class Show implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Parameters(paramLabel = "NAME", description = "The rule.")
    String name;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode rule =
            client
                .get(projectPath(project.name()) + "/alert-rules/" + TendClient.segment(name))
                .body();
        if (output.json()) {
          FormatOption.print(out, rule);
        } else {
          out.println(
              "# "
                  + rule.path("name").asText()
                  + ", version "
                  + rule.path("version").asInt()
                  + ", updated "
                  + rule.path("updated_at").asText()
                  + " by "
                  + rule.path("updated_by").asText());
          String source = rule.path("source").asText();
          out.print(source.endsWith("\n") ? source : source + "\n");
          out.flush();
        }
      }
      return 0;
    }
  }

  /** {@code tend alerts rules delete NAME}. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes a rule; its open alerts resolve.")
  static final class Delete implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;

    @Parameters(paramLabel = "NAME", description = "The rule.")
    String name;

    @Override
    public Integer call() {
      try (TendClient client = connection.open()) {
        client.send(
            "DELETE",
            projectPath(project.name()) + "/alert-rules/" + TendClient.segment(name),
            Optional.empty(),
            Map.of());
      }
      spec.commandLine().getOut().println("Deleted alert rule " + name);
      return 0;
    }
  }

  /** {@code tend alerts list [--state STATE]}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the project's alerts, newest first.")
  static final class List implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Option(
        names = "--state",
        paramLabel = "STATE",
        description = "Only firing, acknowledged or resolved alerts.")
    String state;

    @Override
    public Integer call() {
      if (state != null
          && !java.util.List.of("firing", "acknowledged", "resolved").contains(state)) {
        throw new Main.UsageException(
            "--state must be firing, acknowledged or resolved, not '" + state + "'");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode list =
            client
                .get(
                    projectPath(project.name())
                        + "/alerts"
                        + (state == null ? "" : "?state=" + TendClient.query(state)))
                .body();
        if (output.json()) {
          FormatOption.print(out, list);
          return 0;
        }
        Table table = Table.of("ID", "STATE", "SEVERITY", "RULE", "DEPLOYMENT", "FIRED", "SUMMARY");
        for (JsonNode a : list.path("items")) {
          table.row(
              a.path("id").asText(),
              a.path("state").asText(),
              a.path("severity").asText(),
              a.path("rule").asText(),
              a.path("deployment").asText(),
              a.path("fired_at").asText(),
              a.path("summary").asText());
        }
        out.print(table.isEmpty() ? "No alerts.\n" : table.render());
        out.flush();
      }
      return 0;
    }
  }

  /** {@code tend alerts show ID}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Shows an alert: its series, values and times, and for quality, drift and performance"
              + " alerts the root cause (why it fired).")
  static final class AlertShow implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Parameters(paramLabel = "ID", description = "The alert's id.")
    String id;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode a =
            client.get(projectPath(project.name()) + "/alerts/" + TendClient.segment(id)).body();
        if (output.json()) {
          FormatOption.print(out, a);
          return 0;
        }
        out.println(
            "Alert "
                + a.path("id").asText()
                + " ("
                + a.path("rule").asText()
                + "): "
                + a.path("summary").asText());
        out.println(
            "  "
                + a.path("state").asText()
                + ", "
                + a.path("severity").asText()
                + "; "
                + a.path("metric").asText()
                + (a.path("column").asText().isEmpty() ? "" : "[" + a.path("column").asText() + "]")
                + " of "
                + a.path("deployment").asText()
                + " (version "
                + a.path("model_version").asText()
                + (a.path("segment").asText().isEmpty()
                    ? ""
                    : ", segment " + a.path("segment").asText())
                + ") last "
                + a.path("last_value").asText());
        out.println(
            "  onset "
                + a.path("onset").asText()
                + ", fired "
                + a.path("fired_at").asText()
                + (a.hasNonNull("resolved_at")
                    ? ", resolved " + a.path("resolved_at").asText()
                    : "")
                + "; incident "
                + a.path("incident_id").asText());
        if (!a.path("description").asText().isBlank()) {
          out.println("  " + a.path("description").asText());
        }
        java.util.List<String> cause = RootCauseText.lines(a.get("root_cause"), "");
        if (!cause.isEmpty()) {
          out.println();
          cause.forEach(out::println);
        }
        out.flush();
      }
      return 0;
    }
  }

  /** {@code tend alerts ack ID}. */
  @Command(
      name = "ack",
      mixinStandardHelpOptions = true,
      description = "Acknowledges an open alert; it stays open until its condition clears.")
  static final class Ack implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Parameters(paramLabel = "ID", description = "The alert's id.")
    String id;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode alert =
            client
                .send(
                    "POST",
                    projectPath(project.name())
                        + "/alerts/"
                        + TendClient.segment(id)
                        + "/acknowledge",
                    Optional.empty(),
                    Map.of())
                .body();
        if (output.json()) {
          FormatOption.print(out, alert);
        } else {
          out.println(
              "Acknowledged alert "
                  + id
                  + " ("
                  + alert.path("rule").asText()
                  + " on "
                  + alert.path("deployment").asText()
                  + ") by "
                  + alert.path("acknowledged_by").asText());
        }
      }
      return 0;
    }
  }

  static String read(Path file) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (NoSuchFileException e) {
      throw new Main.UsageException("no such file: " + file);
    } catch (CharacterCodingException e) {
      throw new Main.UsageException(file + " is not UTF-8 text");
    } catch (IOException e) {
      throw new Main.UsageException("cannot read " + file + ": " + e.getMessage());
    }
  }
}
