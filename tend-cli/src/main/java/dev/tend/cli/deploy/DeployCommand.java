package dev.tend.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.ProjectOption;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tend deploy MODEL@VERSION --env ENV}: points a deployment's stable version at a model
 * version, or with {@code --canary}, {@code --ab} or {@code --shadow} starts a rollout of it next
 * to the stable version.
 */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description =
        "Deploys MODEL@VERSION (a version number or an alias) to an environment: as the stable"
            + " version, or with --canary, --ab or --shadow as a candidate judged against it"
            + " ($TEND_URL, $TEND_TOKEN, $TEND_PROJECT).")
public final class DeployCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Connection connection;
  @Mixin ProjectOption project;
  @Mixin FormatOption format;

  @Parameters(
      paramLabel = "MODEL@VERSION",
      description = "The registered model and a version number or alias: flight-delays@3.")
  String target;

  @Option(
      names = "--env",
      required = true,
      paramLabel = "ENV",
      description = "The environment: dev, staging or prod (prod needs the maintainer role).")
  String environment;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "The deployment (default: MODEL-ENV, such as flight-delays-prod).")
  String name;

  @ArgGroup(exclusive = true)
  Mode mode;

  static final class Mode {
    @Option(
        names = "--canary",
        paramLabel = "PERCENT",
        description = "Start a canary: the candidate answers PERCENT (1-99) of the requests.")
    Integer canary;

    @Option(
        names = "--ab",
        paramLabel = "PERCENT",
        description = "Start an A/B split: the candidate answers PERCENT (1-99) of the requests.")
    Integer ab;

    @Option(
        names = "--shadow",
        paramLabel = "PERCENT",
        description =
            "Start a shadow: the candidate gets a copy of PERCENT (1-100) of the requests; its"
                + " answers are logged, never returned.")
    Integer shadow;
  }

  @Option(
      names = "--sticky-key",
      paramLabel = "FIELD",
      description = "With --ab: the request field whose value always reaches the same version.")
  String stickyKey;

  @Option(
      names = "--promotion",
      paramLabel = "auto|manual",
      description =
          "With a rollout: promote after a clean bake (auto, the default) or wait for `tend"
              + " rollout promote` (manual).")
  String promotion;

  @Option(
      names = "--policy",
      paramLabel = "KEY=VALUE",
      description =
          "With a rollout: a policy setting (repeatable): window, min_requests, min_success_rate,"
              + " max_p99_millis, max_quality_drop, quality_metric, failed_windows, bake.")
  Map<String, String> policy = new LinkedHashMap<>();

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why, kept in the history.")
  String reason;

  @Override
  public Integer call() {
    ModelTarget model = ModelTarget.parse(target);
    String deployment = name != null ? name : model.name() + "-" + environment;
    if (mode == null && (stickyKey != null || promotion != null || !policy.isEmpty())) {
      throw new Main.UsageException(
          "--sticky-key, --promotion and --policy apply to a rollout: add --canary, --ab or"
              + " --shadow");
    }
    if (stickyKey != null && (mode == null || mode.ab == null)) {
      throw new Main.UsageException("--sticky-key applies to an A/B split (--ab) only");
    }
    ObjectNode body = FormatOption.object().put("model", model.name());
    model
        .version()
        .ifPresentOrElse(v -> body.put("version", v), () -> body.put("alias", model.alias()));
    if (reason != null) {
      body.put("reason", reason);
    }
    String path = Rollouts.deploymentPath(project.name(), deployment);
    PrintWriter out = spec.commandLine().getOut();
    try (TendClient client = connection.open()) {
      if (mode == null) {
        body.put("environment", environment);
        TendClient.Response response = client.send("PUT", path, Optional.of(body), Map.of());
        if (format.json()) {
          FormatOption.print(out, response.body());
        } else {
          JsonNode d = response.body();
          out.println(
              (response.status() == 201 ? "Created " : "Updated ")
                  + d.path("name").asText()
                  + " ("
                  + d.path("environment").asText()
                  + "): "
                  + d.path("model").asText()
                  + " version "
                  + d.path("version").asInt()
                  + " takes all the traffic; revision "
                  + d.path("revision").asInt()
                  + ".");
          out.flush();
        }
        return 0;
      }
      body.put("mode", mode.canary != null ? "canary" : mode.ab != null ? "ab" : "shadow");
      body.put(
          "percent", mode.canary != null ? mode.canary : mode.ab != null ? mode.ab : mode.shadow);
      if (stickyKey != null) {
        body.put("sticky_key", stickyKey);
      }
      ObjectNode settings = policy(policy);
      if (promotion != null) {
        settings.put("promotion", promotion.toLowerCase(Locale.ROOT));
      }
      if (!settings.isEmpty()) {
        body.set("policy", settings);
      }
      TendClient.Response response =
          client.send("POST", path + "/rollout", Optional.of(body), Map.of());
      if (format.json()) {
        FormatOption.print(out, response.body());
      } else {
        out.println("Started a rollout on " + deployment + ".");
        Rollouts.printDetail(out, client.get(path).body());
      }
      return 0;
    }
  }

  /* Numbers as numbers, the rest as text; the server says what it refuses. */
  private static ObjectNode policy(Map<String, String> settings) {
    ObjectNode node = FormatOption.object();
    for (Map.Entry<String, String> e : settings.entrySet()) {
      String key = e.getKey().replace('-', '_');
      String value = e.getValue();
      switch (key) {
        case "min_requests", "failed_windows", "max_p99_millis" -> {
          try {
            node.put(key, Long.parseLong(value));
          } catch (NumberFormatException ex) {
            throw new Main.UsageException(
                "--policy " + key + " must be a whole number, got '" + value + "'");
          }
        }
        case "min_success_rate", "max_quality_drop" -> {
          try {
            node.put(key, Double.parseDouble(value));
          } catch (NumberFormatException ex) {
            throw new Main.UsageException(
                "--policy " + key + " must be a number, got '" + value + "'");
          }
        }
        case "window", "bake", "quality_metric", "promotion" -> node.put(key, value);
        default ->
            throw new Main.UsageException(
                "unknown --policy key '"
                    + e.getKey()
                    + "'; known: window, min_requests, min_success_rate, max_p99_millis,"
                    + " max_quality_drop, quality_metric, failed_windows, bake, promotion");
      }
    }
    return node;
  }

  /** {@code MODEL@VERSION}: a version number or an alias. */
  record ModelTarget(String name, Optional<Integer> version, String alias) {
    static ModelTarget parse(String text) {
      int at = text.lastIndexOf('@');
      if (at <= 0 || at == text.length() - 1) {
        throw new Main.UsageException(
            "expected MODEL@VERSION or MODEL@ALIAS, such as flight-delays@3, got '" + text + "'");
      }
      String model = text.substring(0, at);
      String ref = text.substring(at + 1);
      if (ref.chars().allMatch(Character::isDigit)) {
        try {
          return new ModelTarget(model, Optional.of(Integer.parseInt(ref)), "");
        } catch (NumberFormatException e) {
          throw new Main.UsageException("version " + ref + " is too large");
        }
      }
      return new ModelTarget(model, Optional.empty(), ref);
    }
  }
}
