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
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tend models}: registered models on a Tend server, read and moved through MLflow's model
 * registry REST API (registered-models/*, model-versions/*): list them, show one, list its
 * versions, point an alias at a version or delete it.
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "Registered models on a Tend server ($TEND_URL, $TEND_TOKEN).",
    subcommands = {
      ModelsCommand.ListModels.class,
      ModelsCommand.Show.class,
      ModelsCommand.Versions.class,
      ModelsCommand.Alias.class
    })
public final class ModelsCommand {
  /** The members of MLflow's ModelVersion; any other member is one of Tend's additions. */
  static final Set<String> MLFLOW_VERSION_FIELDS =
      Set.of(
          "name",
          "version",
          "creation_timestamp",
          "last_updated_timestamp",
          "user_id",
          "current_stage",
          "description",
          "source",
          "run_id",
          "status",
          "status_message",
          "tags",
          "run_link",
          "aliases");

  private ModelsCommand() {}

  /** The registered model {@code name} (registered-models/get); unknown is a usage error. */
  static JsonNode model(TendClient client, String name) {
    if (name.isBlank()) {
      throw new Main.UsageException("a model name must not be blank");
    }
    return Mlflow.get(client, "/registered-models/get", "name", name).path("registered_model");
  }

  /** Alias names of a registered model by the version they point at. */
  static Map<String, List<String>> aliasesByVersion(JsonNode model) {
    Map<String, List<String>> byVersion = new TreeMap<>();
    model
        .path("aliases")
        .forEach(
            a ->
                byVersion
                    .computeIfAbsent(a.path("version").asText(), v -> new ArrayList<>())
                    .add(a.path("alias").asText()));
    byVersion.values().forEach(names -> names.sort(null));
    return byVersion;
  }

  static String time(JsonNode millis) {
    return millis.isNumber() || millis.isTextual() && millis.asText().matches("-?[0-9]+")
        ? Mlflow.time(millis.asLong())
        : "";
  }

  /**
   * Tend's additions to a model version (format, signature, metrics, training dataset version, ...)
   * for people, one line each: whatever members the server adds beyond MLflow's.
   */
  static Map<String, String> extras(JsonNode version) {
    Map<String, String> extras = new TreeMap<>();
    version
        .properties()
        .forEach(
            e -> {
              if (!MLFLOW_VERSION_FIELDS.contains(e.getKey()) && !e.getValue().isNull()) {
                extras.put(e.getKey(), describe(e.getValue()));
              }
            });
    return extras;
  }

  /** A JSON value in one line: {@code a=1, b=x} for objects, {@code hour (long)} for columns. */
  static String describe(JsonNode value) {
    if (value.isObject()) {
      if (value.has("type") && value.path("type").isTextual() && value.size() <= 3) {
        String type = value.path("type").asText();
        return value.has("name") ? value.path("name").asText() + " (" + type + ")" : type;
      }
      List<String> parts = new ArrayList<>();
      value
          .properties()
          .forEach(
              e ->
                  parts.add(
                      e.getKey()
                          + (e.getValue().isContainerNode() ? ": " : "=")
                          + describe(e.getValue())));
      return String.join(hasContainers(value) ? "; " : ", ", parts);
    }
    if (value.isArray()) {
      List<String> parts = new ArrayList<>();
      value.forEach(v -> parts.add(describe(v)));
      return parts.isEmpty() ? "(none)" : String.join(", ", parts);
    }
    return value.isNumber() ? Mlflow.number(value.asDouble()) : value.asText();
  }

  private static boolean hasContainers(JsonNode object) {
    for (JsonNode child : object) {
      if (child.isContainerNode()) {
        return true;
      }
    }
    return false;
  }

  /** {@code tend models list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists registered models: newest version, aliases, description, last update.")
  static final class ListModels implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin FormatOption format;

    @Option(
        names = "--filter",
        paramLabel = "EXPR",
        description = "MLflow filter on name and tags: \"name LIKE 'flights%'\".")
    String filter;

    @Option(
        names = "--order-by",
        paramLabel = "CLAUSE",
        description = "Order, repeatable: \"name\", \"last_updated_timestamp DESC\".")
    List<String> orderBy = new ArrayList<>();

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "100",
        description = "Show at most N models (default: 100).")
    int limit;

    @Option(names = "--all", description = "Show every matching model, page after page.")
    boolean all;

    @Override
    public Integer call() {
      boolean json = format.json();
      if (!all && limit < 1) {
        throw new Main.UsageException("--limit must be at least 1, got " + limit);
      }
      List<JsonNode> models = new ArrayList<>();
      boolean truncated;
      try (TendClient client = connection.open()) {
        truncated =
            Mlflow.pages(
                all ? OptionalInt.empty() : OptionalInt.of(limit),
                Mlflow.MAX_PAGE,
                "registered_models",
                (size, token) -> {
                  List<String> query = new ArrayList<>();
                  if (filter != null) {
                    query.addAll(List.of("filter", filter));
                  }
                  query.addAll(List.of("max_results", Integer.toString(size)));
                  orderBy.forEach(o -> query.addAll(List.of("order_by", o)));
                  token.ifPresent(t -> query.addAll(List.of("page_token", t)));
                  return Mlflow.get(
                      client, "/registered-models/search", query.toArray(String[]::new));
                },
                models::add);
      } catch (ProblemException e) {
        throw Mlflow.searchError(e, "--filter");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode result = FormatOption.object();
        ArrayNode list = result.putArray("registered_models");
        models.forEach(list::add);
        result.put("truncated", truncated);
        FormatOption.print(out, result);
        return Main.OK;
      }
      if (models.isEmpty()) {
        out.println("No registered models match.");
        out.flush();
        return Main.OK;
      }
      Table table = Table.of("NAME", "LATEST", "ALIASES", "UPDATED", "DESCRIPTION");
      for (JsonNode model : models) {
        int latest = 0;
        for (JsonNode version : model.path("latest_versions")) {
          latest = Math.max(latest, version.path("version").asInt());
        }
        List<String> aliases = new ArrayList<>();
        model
            .path("aliases")
            .forEach(a -> aliases.add(a.path("alias").asText() + "=" + a.path("version").asText()));
        table.row(
            model.path("name").asText(),
            latest == 0 ? "" : latest,
            String.join(", ", aliases),
            time(model.path("last_updated_timestamp")),
            model.path("description").asText(""));
      }
      out.print(table.render());
      if (truncated) {
        out.printf(
            "(the first %d models; more match: raise --limit or use --all)%n", models.size());
      }
      out.flush();
      return Main.OK;
    }
  }

  /** {@code tend models show NAME}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Shows a registered model: description, tags, aliases, the latest version of each"
              + " stage, and Tend's record of those versions (format, signature, metrics, data).")
  static final class Show implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin FormatOption format;

    @Parameters(paramLabel = "NAME", description = "Registered model name.")
    String name;

    @Override
    public Integer call() {
      boolean json = format.json();
      JsonNode model;
      List<JsonNode> latest = new ArrayList<>();
      try (TendClient client = connection.open()) {
        model = model(client, name);
        Mlflow.get(client, "/registered-models/get-latest-versions", "name", name)
            .path("model_versions")
            .forEach(latest::add);
      }
      latest.sort(Comparator.comparingInt((JsonNode v) -> v.path("version").asInt()).reversed());
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode result = FormatOption.object();
        result.set("registered_model", model);
        ArrayNode list = result.putArray("latest_versions");
        latest.forEach(list::add);
        FormatOption.print(out, result);
        return Main.OK;
      }
      out.print(render(model, latest));
      out.flush();
      return Main.OK;
    }

    static String render(JsonNode model, List<JsonNode> latest) {
      StringBuilder text = new StringBuilder("Model ").append(model.path("name").asText());
      text.append('\n');
      fact(text, 12, "description", model.path("description").asText(""));
      fact(text, 12, "created", time(model.path("creation_timestamp")));
      fact(text, 12, "updated", time(model.path("last_updated_timestamp")));
      fact(text, 12, "user", model.path("user_id").asText(""));

      text.append("\nTags\n");
      Table tags = Table.of("KEY", "VALUE");
      model.path("tags").forEach(t -> tags.row(t.path("key").asText(), t.path("value").asText()));
      text.append(tags.isEmpty() ? "  (none)\n" : RunsShowCommand.indent(tags.render()));

      text.append("\nAliases\n");
      Table aliases = Table.of("ALIAS", "VERSION");
      model
          .path("aliases")
          .forEach(a -> aliases.row(a.path("alias").asText(), a.path("version").asText()));
      text.append(aliases.isEmpty() ? "  (none)\n" : RunsShowCommand.indent(aliases.render()));

      text.append("\nLatest version of each stage\n");
      Map<String, List<String>> byVersion = aliasesByVersion(model);
      Table versions = Table.of("STAGE", "VERSION", "STATUS", "ALIASES", "RUN ID", "CREATED");
      for (JsonNode version : latest) {
        versions.row(
            version.path("current_stage").asText(),
            version.path("version").asText(),
            version.path("status").asText(),
            String.join(", ", byVersion.getOrDefault(version.path("version").asText(), List.of())),
            version.path("run_id").asText(""),
            time(version.path("creation_timestamp")));
      }
      text.append(versions.isEmpty() ? "  (none)\n" : RunsShowCommand.indent(versions.render()));

      for (JsonNode version : latest) {
        Map<String, String> extras = extras(version);
        if (!extras.isEmpty()) {
          int width =
              Math.max(6, extras.keySet().stream().mapToInt(String::length).max().orElse(0));
          text.append("\nVersion ").append(version.path("version").asText()).append('\n');
          fact(text, width, "source", version.path("source").asText(""));
          extras.forEach(
              (key, value) ->
                  fact(text, width, key.replaceFirst("^tend_", "").replace('_', ' '), value));
        }
      }
      return text.toString();
    }

    /** One {@code name value} line, names padded to {@code width}; nothing when empty. */
    private static void fact(StringBuilder text, int width, String name, String value) {
      if (!value.isEmpty()) {
        text.append(String.format(Locale.ROOT, "  %-" + width + "s %s", name, value)).append('\n');
      }
    }
  }

  /** {@code tend models versions NAME}. */
  @Command(
      name = "versions",
      mixinStandardHelpOptions = true,
      description =
          "Lists a registered model's versions, newest first: stage, status, aliases, run.")
  static final class Versions implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin FormatOption format;

    @Parameters(paramLabel = "NAME", description = "Registered model name.")
    String name;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "100",
        description = "Show at most N versions (default: 100).")
    int limit;

    @Option(names = "--all", description = "Show every version, page after page.")
    boolean all;

    @Override
    public Integer call() {
      boolean json = format.json();
      if (!all && limit < 1) {
        throw new Main.UsageException("--limit must be at least 1, got " + limit);
      }
      List<JsonNode> versions = new ArrayList<>();
      boolean truncated;
      try (TendClient client = connection.open()) {
        model(client, name);
        String filter = "name = '" + name.replace("'", "''") + "'";
        truncated =
            Mlflow.pages(
                all ? OptionalInt.empty() : OptionalInt.of(limit),
                Mlflow.MAX_PAGE,
                "model_versions",
                (size, token) ->
                    Mlflow.get(
                        client,
                        "/model-versions/search",
                        "filter",
                        filter,
                        "max_results",
                        Integer.toString(size),
                        "page_token",
                        token.orElse(null)),
                versions::add);
      }
      versions.sort(Comparator.comparingInt((JsonNode v) -> v.path("version").asInt()).reversed());
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode result = FormatOption.object().put("name", name);
        ArrayNode list = result.putArray("model_versions");
        versions.forEach(list::add);
        result.put("truncated", truncated);
        FormatOption.print(out, result);
        return Main.OK;
      }
      if (versions.isEmpty()) {
        out.println("Model " + name + " has no versions yet.");
        out.flush();
        return Main.OK;
      }
      Table table =
          Table.of("VERSION", "STAGE", "STATUS", "ALIASES", "RUN ID", "CREATED", "DESCRIPTION");
      for (JsonNode version : versions) {
        List<String> aliases = new ArrayList<>();
        version.path("aliases").forEach(a -> aliases.add(a.asText()));
        table.row(
            version.path("version").asText(),
            version.path("current_stage").asText(),
            version.path("status").asText(),
            String.join(", ", aliases),
            version.path("run_id").asText(""),
            time(version.path("creation_timestamp")),
            version.path("description").asText(""));
      }
      out.print(table.render());
      if (truncated) {
        out.printf(
            "(the first %d versions; more exist: raise --limit or use --all)%n", versions.size());
      }
      out.flush();
      return Main.OK;
    }
  }

  /** {@code tend models alias NAME ALIAS VERSION} and {@code --delete}. */
  @Command(
      name = "alias",
      mixinStandardHelpOptions = true,
      description = {
        "Points an alias (champion, production, ...) of a registered model at a version, or"
            + " deletes it with --delete."
      })
  static final class Alias implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin FormatOption format;

    @Parameters(index = "0", paramLabel = "NAME", description = "Registered model name.")
    String name;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "Alias to set or delete.")
    String alias;

    @Parameters(
        index = "2",
        arity = "0..1",
        paramLabel = "VERSION",
        description = "Version number the alias points at (not with --delete).")
    String version;

    @Option(names = "--delete", description = "Delete the alias instead.")
    boolean delete;

    @Override
    public Integer call() {
      boolean json = format.json();
      if (delete == (version != null)) {
        throw new Main.UsageException(
            delete
                ? "--delete takes no VERSION: tend models alias NAME ALIAS --delete"
                : "give the VERSION the alias points at, or --delete");
      }
      if (!delete && !version.matches("[1-9][0-9]{0,9}")) {
        throw new Main.UsageException(
            "VERSION must be a version number such as 3, got '" + version + "'");
      }
      if (alias.isBlank()) {
        throw new Main.UsageException("ALIAS must not be blank");
      }
      Optional<String> previous;
      try (TendClient client = connection.open()) {
        JsonNode model = model(client, name);
        previous = Optional.empty();
        for (JsonNode a : model.path("aliases")) {
          if (a.path("alias").asText().equals(alias)) {
            previous = Optional.of(a.path("version").asText());
          }
        }
        ObjectNode body = FormatOption.object().put("name", name).put("alias", alias);
        if (delete) {
          if (previous.isEmpty()) {
            throw new Main.UsageException("model " + name + " has no alias '" + alias + "'");
          }
          client.mlflow(
              "DELETE",
              "/registered-models/alias" + Mlflow.query("name", name, "alias", alias),
              Optional.of(body));
        } else {
          body.put("version", version);
          Mlflow.post(client, "/registered-models/alias", body);
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode result = FormatOption.object().put("name", name).put("alias", alias);
        result.put("version", delete ? null : version);
        result.put("previous_version", previous.orElse(null));
        result.put("deleted", delete);
        FormatOption.print(out, result);
        return Main.OK;
      }
      if (delete) {
        out.printf(
            "Deleted alias %s of %s (it pointed at version %s)%n", alias, name, previous.get());
      } else {
        out.printf(
            "Alias %s of %s now points at version %s%s%n",
            alias, name, version, previous.map(p -> " (was " + p + ")").orElse(""));
      }
      out.flush();
      return Main.OK;
    }
  }
}
