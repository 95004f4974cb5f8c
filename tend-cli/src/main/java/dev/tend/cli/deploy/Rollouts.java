package dev.tend.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.ProjectOption;
import dev.tend.cli.Table;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tend rollout status|promote|rollback|history}. */
@Command(
    name = "rollout",
    mixinStandardHelpOptions = true,
    description =
        "Rollouts of a deployment ($TEND_URL, $TEND_TOKEN, $TEND_PROJECT): status, promote,"
            + " rollback, history. Start one with `tend deploy --canary|--ab|--shadow`.",
    subcommands = {
      Rollouts.Status.class,
      Rollouts.Promote.class,
      Rollouts.Rollback.class,
      Rollouts.History.class
    })
public final class Rollouts {
  private Rollouts() {}

  static String deploymentPath(String project, String deployment) {
    return "/projects/"
        + TendClient.segment(project)
        + "/deployments/"
        + TendClient.segment(deployment);
  }

  /** A deployment's traffic, rollout state, this server's figures and recent events. */
  static void printDetail(PrintWriter out, JsonNode detail) {
    JsonNode d = detail.path("deployment");
    out.println(
        d.path("name").asText()
            + " ("
            + d.path("environment").asText()
            + ", project "
            + d.path("project").asText()
            + "), revision "
            + d.path("revision").asInt());
    JsonNode stable = d.path("traffic").path("stable");
    out.println(
        "  stable     "
            + stable.path("model").asText()
            + " version "
            + stable.path("version").asInt()
            + "  "
            + stable.path("percent").asInt()
            + "%");
    JsonNode candidate = d.path("traffic").path("candidate");
    if (candidate.isObject()) {
      out.println(
          "  candidate  "
              + candidate.path("model").asText()
              + " version "
              + candidate.path("version").asInt()
              + "  "
              + candidate.path("percent").asInt()
              + "% "
              + candidate.path("mode").asText()
              + (candidate.hasNonNull("sticky_key")
                  ? " (sticky on " + candidate.path("sticky_key").asText() + ")"
                  : ""));
    }
    JsonNode rollout = detail.path("rollout");
    String state = rollout.path("state").asText("none");
    if (!state.equals("none")) {
      JsonNode policy = rollout.path("policy");
      out.println(
          "Rollout: "
              + state
              + "; windows judged "
              + rollout.path("windows_evaluated").asInt()
              + ", failed "
              + rollout.path("windows_failed").asInt()
              + ", failing streak "
              + rollout.path("failing_streak").asInt()
              + "/"
              + policy.path("failed_windows").asInt()
              + (rollout.hasNonNull("bake_ends_at")
                  ? "; bake ends " + rollout.path("bake_ends_at").asText()
                  : "")
              + "; promotion "
              + policy.path("promotion").asText());
      if (rollout.hasNonNull("last_verdict")) {
        out.println("Last verdict: " + rollout.path("last_verdict").asText());
      }
    } else {
      out.println("Rollout: none");
    }
    Table figures =
        Table.of("ROLE", "VERSION", "WINDOW", "REQUESTS", "ERRORS", "SUCCESS", "P50", "P99");
    for (JsonNode f : detail.path("figures")) {
      for (String which : new String[] {"last", "current"}) {
        JsonNode w = f.path(which);
        if (!w.isObject()) {
          continue;
        }
        figures.row(
            f.path("role").asText(),
            f.path("model").asText() + "@" + f.path("version").asInt(),
            which,
            Table.count(w.path("requests").asLong()),
            Table.count(w.path("errors").asLong()),
            w.hasNonNull("success_rate")
                ? String.format(Locale.ROOT, "%.2f%%", 100 * w.path("success_rate").asDouble())
                : "",
            millis(w.path("p50_millis")),
            millis(w.path("p99_millis")));
      }
    }
    if (!figures.isEmpty()) {
      out.println("This server's figures (windows of " + detail.path("window").asText() + "):");
      out.print(figures.render());
    }
    printEvents(out, detail.path("events"), 5);
    out.flush();
  }

  private static void printEvents(PrintWriter out, JsonNode events, int limit) {
    Table table = Table.of("AT", "EVENT", "BY", "REASON");
    int n = 0;
    for (JsonNode e : events) {
      if (n++ == limit) {
        break;
      }
      table.row(
          e.path("created_at").asText(),
          e.path("kind").asText(),
          e.path("created_by").asText(),
          e.path("reason").asText());
    }
    if (!table.isEmpty()) {
      out.println("Recent events:");
      out.print(table.render());
    }
  }

  private static String millis(JsonNode value) {
    return value.isNumber() ? String.format(Locale.ROOT, "%.1fms", value.asDouble()) : "";
  }

  /** {@code tend rollout status [DEPLOYMENT]}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Shows a deployment's traffic split, rollout state, this server's per-version figures and"
              + " recent events; without a name, lists the deployments you may read.")
  static final class Status implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin FormatOption format;

    @Parameters(paramLabel = "DEPLOYMENT", arity = "0..1", description = "The deployment.")
    String deployment;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (TendClient client = connection.open()) {
        if (deployment == null) {
          JsonNode list = client.get("/deployments").body();
          if (format.json()) {
            FormatOption.print(out, list);
            return 0;
          }
          Table table =
              Table.of(
                  "DEPLOYMENT", "PROJECT", "ENV", "STABLE", "CANDIDATE", "REVISION", "UPDATED");
          for (JsonNode d : list.path("items")) {
            JsonNode stable = d.path("traffic").path("stable");
            JsonNode candidate = d.path("traffic").path("candidate");
            table.row(
                d.path("name").asText(),
                d.path("project").asText(),
                d.path("environment").asText(),
                stable.path("model").asText()
                    + "@"
                    + stable.path("version").asInt()
                    + " "
                    + stable.path("percent").asInt()
                    + "%",
                candidate.isObject()
                    ? candidate.path("model").asText()
                        + "@"
                        + candidate.path("version").asInt()
                        + " "
                        + candidate.path("percent").asInt()
                        + "% "
                        + candidate.path("mode").asText()
                    : "",
                d.path("revision").asInt(),
                d.path("updated_at").asText());
          }
          out.print(table.isEmpty() ? "No deployments.\n" : table.render());
          out.flush();
          return 0;
        }
        JsonNode detail = client.get(deploymentPath(project.name(), deployment)).body();
        if (format.json()) {
          FormatOption.print(out, detail);
        } else {
          printDetail(out, detail);
        }
        return 0;
      }
    }
  }

  /** What promote and rollback share: a deployment and a reason. */
  abstract static class Decision implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin FormatOption format;

    @Parameters(paramLabel = "DEPLOYMENT", description = "The deployment.")
    String deployment;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, kept in the history.")
    String reason;

    abstract String action();

    abstract String done();

    @Override
    public Integer call() {
      ObjectNode body = FormatOption.object();
      if (reason != null) {
        body.put("reason", reason);
      }
      PrintWriter out = spec.commandLine().getOut();
      String path = deploymentPath(project.name(), deployment);
      try (TendClient client = connection.open()) {
        TendClient.Response response =
            client.send("POST", path + "/rollout/" + action(), Optional.of(body), Map.of());
        if (format.json()) {
          FormatOption.print(out, response.body());
        } else {
          out.println(done() + " on " + deployment + ".");
          printDetail(out, client.get(path).body());
        }
        return 0;
      }
    }
  }

  /** {@code tend rollout promote DEPLOYMENT}. */
  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description =
          "Makes the candidate the stable version with all the traffic (approves a rollout"
              + " awaiting approval).")
  static final class Promote extends Decision {
    @Override
    String action() {
      return "promote";
    }

    @Override
    String done() {
      return "Promoted the candidate";
    }
  }

  /** {@code tend rollout rollback DEPLOYMENT}. */
  @Command(
      name = "rollback",
      mixinStandardHelpOptions = true,
      description = "Removes the candidate: the stable version takes all the traffic again.")
  static final class Rollback extends Decision {
    @Override
    String action() {
      return "rollback";
    }

    @Override
    String done() {
      return "Rolled back the candidate";
    }
  }

  /** {@code tend rollout history DEPLOYMENT}. */
  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description = "Lists a deployment's revisions and rollout events, newest first.")
  static final class History implements Callable<Integer> {
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
        JsonNode history =
            client.get(deploymentPath(project.name(), deployment) + "/history").body();
        if (format.json()) {
          FormatOption.print(out, history);
          return 0;
        }
        Table revisions = Table.of("REVISION", "STABLE", "CANDIDATE", "BY", "AT", "REASON");
        for (JsonNode r : history.path("revisions")) {
          JsonNode stable = r.path("traffic").path("stable");
          JsonNode candidate = r.path("traffic").path("candidate");
          revisions.row(
              r.path("revision").asInt(),
              stable.path("model").asText() + "@" + stable.path("version").asInt(),
              candidate.isObject()
                  ? candidate.path("model").asText()
                      + "@"
                      + candidate.path("version").asInt()
                      + " "
                      + candidate.path("percent").asInt()
                      + "% "
                      + candidate.path("mode").asText()
                  : "",
              r.path("created_by").asText(),
              r.path("created_at").asText(),
              r.path("reason").asText());
        }
        out.print(revisions.render());
        printEvents(out, history.path("events"), Integer.MAX_VALUE);
        out.flush();
        return 0;
      }
    }
  }
}
