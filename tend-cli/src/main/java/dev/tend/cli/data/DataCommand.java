package dev.tend.cli.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.remote.TendClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;

/**
 * {@code tend data}: versioned datasets on a Tend server: push and pull versions, read their
 * history, schema and checks, compare two versions, and move aliases.
 */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = "Versioned datasets on a Tend server ($TEND_URL, $TEND_TOKEN, $TEND_PROJECT).",
    subcommands = {
      DataCreateCommand.class,
      DataPushCommand.class,
      DataLogCommand.class,
      DataShowCommand.class,
      DataDiffCommand.class,
      DataPullCommand.class,
      DataAliasCommands.Rollback.class,
      DataAliasCommands.Move.class,
      DataAliasCommands.ListAliases.class,
      DataLineageCommands.History.class,
      DataLineageCommands.Lineage.class
    })
public final class DataCommand {
  private DataCommand() {}

  /** The API path of a dataset. */
  static String path(String project, String dataset) {
    return "/projects/" + TendClient.segment(project) + "/datasets/" + TendClient.segment(dataset);
  }

  /** The API path of one version of a dataset, by number or alias. */
  static String versionPath(String project, DatasetRef ref) {
    return path(project, ref.dataset()) + "/versions/" + TendClient.segment(ref.ref());
  }

  /** The aliases of a dataset as the server lists them. */
  static List<AliasView> aliases(TendClient client, String project, String dataset) {
    List<AliasView> aliases = new ArrayList<>();
    client
        .get(path(project, dataset) + "/aliases")
        .body()
        .path("items")
        .forEach(item -> aliases.add(AliasView.of(item)));
    return aliases;
  }

  /** Alias names by the version number they point at, each list sorted. */
  static Map<Integer, List<String>> aliasesByVersion(List<AliasView> aliases) {
    Map<Integer, List<String>> byVersion = new TreeMap<>();
    for (AliasView alias : aliases) {
      byVersion.computeIfAbsent(alias.version(), v -> new ArrayList<>()).add(alias.name());
    }
    byVersion.values().forEach(names -> names.sort(null));
    return byVersion;
  }

  /**
   * An alias as the CLI shows it. Read from either spelling the server may answer with: {@code
   * alias}/{@code version}/{@code moved_by}/{@code moved_at} (alias moves) or {@code name}/{@code
   * version_number}/{@code updated_by}/{@code updated_at} (alias lists).
   */
  record AliasView(String name, int version, String movedBy, String movedAt) {
    static AliasView of(JsonNode json) {
      return new AliasView(
          first(json, "alias", "name"),
          (json.has("version") ? json.get("version") : json.path("version_number")).asInt(),
          first(json, "moved_by", "updated_by"),
          first(json, "moved_at", "updated_at"));
    }

    private static String first(JsonNode json, String name, String otherName) {
      JsonNode value = json.has(name) ? json.get(name) : json.path(otherName);
      return value.asText("");
    }
  }
}
