package dev.tend.cli.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.ProjectOption;
import dev.tend.cli.Table;
import dev.tend.cli.remote.TendClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tend data rollback}, {@code alias} and {@code aliases}: reading and moving aliases. */
final class DataAliasCommands {
  private DataAliasCommands() {}

  /** {@code tend data rollback NAME --to REF --reason TEXT}. */
  @Command(
      name = "rollback",
      mixinStandardHelpOptions = true,
      description = {
        "Moves an alias (production by default) back to an earlier version; needs the maintainer"
            + " role. The move is recorded with who and why.",
        "A rejected version needs --force."
      })
  static final class Rollback implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;

    @Parameters(paramLabel = "NAME", description = "Dataset name.")
    String name;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "REF",
        description = "Version number or alias to go back to.")
    String to;

    @Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "Why; kept in the alias history and the audit log.")
    String reason;

    @Option(
        names = "--alias",
        paramLabel = "ALIAS",
        defaultValue = "production",
        description = "Alias to move (default: production).")
    String alias;

    @Option(names = "--force", description = "Move it even to a rejected version.")
    boolean force;

    @Override
    public Integer call() {
      DatasetRef target = DatasetRef.parse(name + "@" + to);
      if (reason.isBlank()) {
        throw new Main.UsageException("--reason must say why the alias goes back");
      }
      ObjectNode body = FormatOption.object();
      if (target.isNumber()) {
        body.put("to", Integer.parseInt(target.ref()));
      } else {
        body.put("to", target.ref());
      }
      body.put("reason", reason).put("alias", alias).put("force", force);
      JsonNode moved;
      try (TendClient client = connection.open()) {
        moved =
            client
                .send(
                    "POST",
                    DataCommand.path(project.name(), name) + "/rollback",
                    Optional.of(body),
                    Map.of())
                .body();
      }
      PrintWriter out = spec.commandLine().getOut();
      JsonNode previous = moved.path("previous_version");
      out.printf(
          "Moved %s of %s to version %d%s%s; reason recorded: %s%n",
          moved.path("alias").asText(alias),
          name,
          moved.path("version").asInt(),
          previous.isNumber() ? " (was " + previous.asInt() + ")" : "",
          moved.path("forced").asBoolean() ? ", forced" : "",
          reason);
      out.flush();
      return Main.OK;
    }
  }

  /** {@code tend data alias NAME ALIAS REF}. */
  @Command(
      name = "alias",
      mixinStandardHelpOptions = true,
      description = {
        "Points an alias (latest, production or a name of yours) at a version; needs the"
            + " maintainer role. A rejected version needs --force."
      })
  static final class Move implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;

    @Parameters(index = "0", paramLabel = "NAME", description = "Dataset name.")
    String name;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "Alias to move or create.")
    String alias;

    @Parameters(index = "2", paramLabel = "REF", description = "Version number or alias.")
    String to;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why; kept with the move.")
    String reason;

    @Option(names = "--force", description = "Point it even at a rejected version.")
    boolean force;

    @Override
    public Integer call() {
      DatasetRef target = DatasetRef.parse(name + "@" + to);
      DatasetRef.parse(name + "@" + alias);
      JsonNode moved;
      try (TendClient client = connection.open()) {
        int number =
            target.isNumber()
                ? Integer.parseInt(target.ref())
                : client
                    .get(DataCommand.versionPath(project.name(), target))
                    .body()
                    .path("number")
                    .asInt();
        ObjectNode body = FormatOption.object().put("version", number).put("force", force);
        if (reason != null) {
          body.put("reason", reason);
        }
        moved =
            client
                .send(
                    "PUT",
                    DataCommand.path(project.name(), name)
                        + "/aliases/"
                        + TendClient.segment(alias),
                    Optional.of(body),
                    Map.of())
                .body();
      }
      DataCommand.AliasView view = DataCommand.AliasView.of(moved);
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "%s of %s now points at version %d%s%n",
          view.name(), name, view.version(), force ? " (forced)" : "");
      out.flush();
      return Main.OK;
    }
  }

  /** {@code tend data aliases NAME}. */
  @Command(
      name = "aliases",
      mixinStandardHelpOptions = true,
      description = "Lists a dataset's aliases and the versions they point at.")
  static final class ListAliases implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin Connection connection;
    @Mixin ProjectOption project;
    @Mixin FormatOption format;

    @Parameters(paramLabel = "NAME", description = "Dataset name.")
    String name;

    @Override
    public Integer call() {
      boolean json = format.json();
      List<DataCommand.AliasView> aliases;
      try (TendClient client = connection.open()) {
        aliases = DataCommand.aliases(client, project.name(), name);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectNode result =
            FormatOption.object().put("project", project.name()).put("dataset", name);
        ArrayNode list = result.putArray("aliases");
        for (DataCommand.AliasView alias : aliases) {
          list.addObject()
              .put("alias", alias.name())
              .put("version", alias.version())
              .put("moved_by", alias.movedBy())
              .put("moved_at", alias.movedAt());
        }
        FormatOption.print(out, result);
        return Main.OK;
      }
      Table table = Table.of("ALIAS", "VERSION", "MOVED BY", "MOVED AT");
      aliases.forEach(a -> table.row(a.name(), a.version(), a.movedBy(), a.movedAt()));
      out.print(table.render());
      out.flush();
      return Main.OK;
    }
  }
}
