package dev.tend.cli.automation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.automation.AutomationPolicies;
import dev.tend.automation.AutomationPolicy;
import dev.tend.automation.AutomationPolicyException;
import dev.tend.automations.ActionState;
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
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tend automation apply|list|show|trigger|actions|action|approve|reject}: automation
 * policies and the actions they take.
 */
@Command(
    name = "automation",
    mixinStandardHelpOptions = true,
    description =
        "Automation policies and their actions: retrain, gate, canary and promote on a firing"
            + " alert ($TEND_URL, $TEND_TOKEN, $TEND_PROJECT). See docs/automation.md.",
    subcommands = {
      AutomationCommand.Apply.class,
      AutomationCommand.PolicyList.class,
      AutomationCommand.Show.class,
      AutomationCommand.Delete.class,
      AutomationCommand.Trigger.class,
      AutomationCommand.Actions.class,
      AutomationCommand.ActionShow.class,
      AutomationCommand.Approve.class,
      AutomationCommand.Reject.class
    })
public final class AutomationCommand {
  private AutomationCommand() {}

  static String base(String project) {
    return "/projects/" + TendClient.segment(project) + "/automation";
  }

  /** {@code --format table|json}, and {@code --json} for short. */
  static final class Output {
    @Mixin FormatOption format;

    @Option(names = "--json", description = "JSON output; the same as --format json.")
    boolean json;

    boolean json() {
      return json || format.json();
    }
  }

  /** {@code tend automation apply FILE}. */
  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description =
          "Creates or replaces the policy in FILE (YAML, or JSON for a .json file); its `name`"
              + " names it. The file is checked here first, so errors point at its lines; the"
              + " server then checks that its deployment and pipeline exist.")
  static final class Apply implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Parameters(paramLabel = "FILE", description = "The policy, such as retrain.yaml.")
    Path file;

    @Override
    public Integer call() {
      String text = read(file);
      AutomationPolicy policy;
      try {
        policy = AutomationPolicies.parse(text, file.toString(), Optional.empty());
      } catch (AutomationPolicyException e) {
        throw new Main.UsageException(e.location(), e.getMessage());
      }
      boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        TendClient.Response response =
            client.sendText(
                "PUT",
                base(project.name()) + "/policies/" + TendClient.segment(policy.name()),
                json ? "application/json" : "application/yaml",
                text);
        if (output.json()) {
          FormatOption.print(out, response.body());
        } else {
          out.println(
              (response.status() == 201 ? "Created" : "Applied")
                  + " automation policy "
                  + policy.name()
                  + " (version "
                  + response.body().path("version").asInt()
                  + ") for deployment "
                  + policy.deployment()
                  + " in project "
                  + project.name());
        }
      }
      return 0;
    }
  }

  /** {@code tend automation list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the policies.")
  static final class PolicyList implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode list = client.get(base(project.name()) + "/policies").body();
        if (output.json()) {
          FormatOption.print(out, list);
          return 0;
        }
        Table table =
            Table.of("POLICY", "DEPLOYMENT", "ON", "PIPELINE", "GATE", "APPROVAL", "VERSION");
        for (JsonNode p : list.path("items")) {
          JsonNode policy = p.path("policy");
          java.util.List<String> rules = new ArrayList<>();
          policy.at("/on/rules").forEach(r -> rules.add(r.asText()));
          table.row(
              p.path("name").asText(),
              p.path("deployment").asText(),
              String.join(",", rules),
              policy.at("/retrain/pipeline").asText(),
              policy.at("/gate/metric").asText()
                  + " +"
                  + policy.at("/gate/min_improvement").asText(),
              policy.path("approval").asText(),
              p.path("version").asInt());
        }
        out.print(table.isEmpty() ? "No automation policies.\n" : table.render());
        out.flush();
      }
      return 0;
    }
  }

  /** {@code tend automation show NAME}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Shows a policy as it was applied.")
  static final class Show implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Parameters(paramLabel = "NAME", description = "The policy.")
    String name;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode policy =
            client.get(base(project.name()) + "/policies/" + TendClient.segment(name)).body();
        if (output.json()) {
          FormatOption.print(out, policy);
        } else {
          out.println(
              "# "
                  + policy.path("name").asText()
                  + ", version "
                  + policy.path("version").asInt()
                  + ", updated "
                  + policy.path("updated_at").asText()
                  + " by "
                  + policy.path("updated_by").asText());
          String source = policy.path("source").asText();
          out.print(source.endsWith("\n") ? source : source + "\n");
          out.flush();
        }
      }
      return 0;
    }
  }

  /** {@code tend automation delete NAME}. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Deletes a policy; its actions stay, and an open one fails at its next step.")
  static final class Delete implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;

    @Parameters(paramLabel = "NAME", description = "The policy.")
    String name;

    @Override
    public Integer call() {
      try (TendClient client = connection.open()) {
        client.send(
            "DELETE",
            base(project.name()) + "/policies/" + TendClient.segment(name),
            Optional.empty(),
            Map.of());
      }
      spec.commandLine().getOut().println("Deleted automation policy " + name);
      return 0;
    }
  }

  /** {@code tend automation trigger NAME [--reason R]}. */
  @Command(
      name = "trigger",
      mixinStandardHelpOptions = true,
      description =
          "Starts an action of the policy now, as a firing alert would; the guardrails may record"
              + " it skipped.")
  static final class Trigger implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Parameters(paramLabel = "NAME", description = "The policy.")
    String name;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit trail.")
    String reason;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode action =
            client
                .send(
                    "POST",
                    base(project.name()) + "/policies/" + TendClient.segment(name) + "/trigger",
                    Optional.of(reasonBody(reason)),
                    Map.of())
                .body();
        if (output.json()) {
          FormatOption.print(out, action);
        } else if (action.path("state").asText().equals(ActionState.SKIPPED.wireName())) {
          out.println(
              "Skipped: "
                  + action.path("reason").asText()
                  + " (action "
                  + action.path("id").asText()
                  + ")");
        } else {
          out.println(
              "Queued action "
                  + action.path("id").asText()
                  + " of policy "
                  + name
                  + "; follow it with: tend automation action "
                  + action.path("id").asText());
        }
      }
      return 0;
    }
  }

  /** {@code tend automation actions [--policy P] [--state S]}. */
  @Command(
      name = "actions",
      mixinStandardHelpOptions = true,
      description = "Lists the project's actions, newest first.")
  static final class Actions implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Option(names = "--policy", paramLabel = "NAME", description = "Only this policy's actions.")
    String policy;

    @Option(names = "--state", paramLabel = "STATE", description = "Only actions in STATE.")
    String state;

    @Override
    public Integer call() {
      if (state != null && ActionState.fromWireName(state).isEmpty()) {
        throw new Main.UsageException(
            "--state must be one of "
                + String.join(
                    ", ",
                    java.util.Arrays.stream(ActionState.values())
                        .map(ActionState::wireName)
                        .toList())
                + ", not '"
                + state
                + "'");
      }
      StringBuilder query = new StringBuilder();
      if (policy != null) {
        query.append("policy=").append(TendClient.query(policy));
      }
      if (state != null) {
        query.append(query.isEmpty() ? "" : "&").append("state=").append(TendClient.query(state));
      }
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode list =
            client
                .get(base(project.name()) + "/actions" + (query.isEmpty() ? "" : "?" + query))
                .body();
        if (output.json()) {
          FormatOption.print(out, list);
          return 0;
        }
        Table table =
            Table.of("ID", "POLICY", "STATE", "TRIGGER", "CHALLENGER", "CREATED", "REASON");
        for (JsonNode a : list.path("items")) {
          table.row(
              a.path("id").asText(),
              a.path("policy").asText(),
              a.path("state").asText(),
              a.at("/trigger/kind").asText(),
              version(a.path("challenger")),
              a.path("created_at").asText(),
              a.path("reason").asText());
        }
        out.print(table.isEmpty() ? "No automation actions.\n" : table.render());
        out.flush();
      }
      return 0;
    }
  }

  /** {@code tend automation action ID}. */
  @Command(
      name = "action",
      mixinStandardHelpOptions = true,
      description = "Shows an action with its gate figures and audit trail.")
  static final class ActionShow implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Parameters(paramLabel = "ID", description = "The action's id.")
    String id;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        JsonNode action =
            client.get(base(project.name()) + "/actions/" + TendClient.segment(id)).body();
        if (output.json()) {
          FormatOption.print(out, action);
        } else {
          print(out, action);
        }
      }
      return 0;
    }
  }

  /** {@code tend automation approve ID [--reason R]}. */
  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = "Approves an action awaiting approval: its canary starts now.")
  static final class Approve implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Parameters(paramLabel = "ID", description = "The action's id.")
    String id;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, for the audit trail.")
    String reason;

    @Override
    public Integer call() {
      return decide(spec, connection, project, output, id, "approve", reason);
    }
  }

  /** {@code tend automation reject ID --reason R}. */
  @Command(
      name = "reject",
      mixinStandardHelpOptions = true,
      description = "Rejects an action awaiting approval.")
  static final class Reject implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin Output output;

    @Parameters(paramLabel = "ID", description = "The action's id.")
    String id;

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        required = true,
        description = "Why, for the audit trail.")
    String reason;

    @Override
    public Integer call() {
      return decide(spec, connection, project, output, id, "reject", reason);
    }
  }

  private static int decide(
      picocli.CommandLine.Model.CommandSpec spec,
      Connection connection,
      ProjectOption project,
      Output output,
      String id,
      String verb,
      String reason) {
    PrintWriter out = spec.commandLine().getOut();
    try (TendClient client = connection.open()) {
      JsonNode action =
          client
              .send(
                  "POST",
                  base(project.name()) + "/actions/" + TendClient.segment(id) + "/" + verb,
                  Optional.of(reasonBody(reason)),
                  Map.of())
              .body();
      if (output.json()) {
        FormatOption.print(out, action);
      } else {
        out.println(
            "Action "
                + id
                + " of policy "
                + action.path("policy").asText()
                + " is now "
                + action.path("state").asText()
                + (action.hasNonNull("reason") ? ": " + action.path("reason").asText() : ""));
      }
    }
    return 0;
  }

  private static ObjectNode reasonBody(String reason) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    if (reason != null) {
      body.put("reason", reason);
    }
    return body;
  }

  static String version(JsonNode v) {
    return v.isMissingNode() || v.isNull()
        ? ""
        : v.path("model").asText() + "/" + v.path("version").asInt();
  }

  static void print(PrintWriter out, JsonNode a) {
    out.println(
        "Action "
            + a.path("id").asText()
            + " of policy "
            + a.path("policy").asText()
            + " on "
            + a.path("deployment").asText()
            + ": "
            + a.path("state").asText());
    JsonNode t = a.path("trigger");
    out.println(
        "  trigger:    "
            + t.path("kind").asText()
            + " by "
            + t.path("actor").asText()
            + " ("
            + t.path("reason").asText()
            + ")");
    if (a.hasNonNull("pipeline_run_id")) {
      out.println("  run:        " + a.path("pipeline_run_id").asText());
    }
    if (a.has("champion")) {
      out.println("  champion:   " + version(a.path("champion")));
    }
    if (a.has("challenger")) {
      out.println("  challenger: " + version(a.path("challenger")));
    }
    if (a.has("gate")) {
      JsonNode g = a.path("gate");
      out.println(
          String.format(
              Locale.ROOT,
              "  gate:       %s, challenger %.4f vs champion %.4f on %d rows: %s",
              g.path("metric").asText(),
              g.path("challenger").asDouble(),
              g.path("champion").asDouble(),
              g.path("rows").asInt(),
              g.path("passed").asBoolean() ? "passed" : "failed"));
    }
    if (a.has("rollout_revision")) {
      out.println("  rollout:    revision " + a.path("rollout_revision").asInt());
    }
    if (a.hasNonNull("reason")) {
      out.println("  reason:     " + a.path("reason").asText());
    }
    Table table = Table.of("SEQ", "AT", "KIND", "ACTOR", "DETAIL");
    for (JsonNode e : a.path("audit")) {
      table.row(
          e.path("seq").asInt(),
          e.path("at").asText(),
          e.path("kind").asText(),
          e.path("actor").asText(),
          e.path("detail").toString());
    }
    if (!table.isEmpty()) {
      out.println("Audit:");
      out.print(table.render());
    }
    out.flush();
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
