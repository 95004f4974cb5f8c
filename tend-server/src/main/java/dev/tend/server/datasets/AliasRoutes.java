package dev.tend.server.datasets;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.datasets.Alias;
import dev.tend.datasets.AliasChange;
import dev.tend.datasets.Dataset;
import dev.tend.datasets.DatasetRepository;
import dev.tend.datasets.DatasetVersion;
import dev.tend.projects.Project;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiCall;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.FieldError;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The aliases of a dataset over HTTP: list them, move one, roll one back with a reason, and read an
 * alias's history. Part of {@link DatasetsApi}. Thread-safe.
 */
final class AliasRoutes {
  static final int MAX_REASON_LENGTH = 1000;

  private final DatasetRepository datasets;
  private final Lookups lookups;

  AliasRoutes(DatasetRepository datasets, Lookups lookups) {
    this.datasets = requireNonNull(datasets, "datasets is null");
    this.lookups = requireNonNull(lookups, "lookups is null");
  }

  void routes(ApiRoutes routes, String dataset) {
    routes.get(dataset + "/aliases", Access.READ, this::listAliases);
    routes.put(dataset + "/aliases/{alias}", Access.MAINTAIN, this::moveAlias);
    routes.get(dataset + "/aliases/{alias}/history", Access.READ, this::aliasHistory);
    routes.post(dataset + "/rollback", Access.MAINTAIN, this::rollback);
  }

  /** The body of {@code PUT .../aliases/{alias}}. */
  record AliasMove(int version, Optional<String> reason, Optional<Boolean> force) {
    AliasMove {
      reason = reason == null ? Optional.empty() : reason;
      force = force == null ? Optional.empty() : force;
    }
  }

  /** The body of {@code POST .../rollback}: {@code to} is a version number or an alias name. */
  record Rollback(JsonNode to, String reason, Optional<String> alias, Optional<Boolean> force) {
    Rollback {
      requireNonNull(to, "to is required");
      requireNonNull(reason, "reason is required");
      alias = alias == null ? Optional.empty() : alias;
      force = force == null ? Optional.empty() : force;
    }
  }

  /** One move of an alias, as answered by a rollback and the alias history. */
  record AliasMoveView(
      String alias,
      int version,
      Optional<Integer> previousVersion,
      String movedBy,
      String reason,
      boolean forced,
      Instant movedAt) {
    static AliasMoveView of(AliasChange change) {
      return new AliasMoveView(
          change.alias(),
          change.toNumber(),
          change.fromNumber(),
          change.by(),
          change.reason(),
          change.forced(),
          change.at());
    }
  }

  private void rollback(ApiCall call) {
    Project project = lookups.project(call);
    Dataset dataset = lookups.dataset(call, project);
    Rollback request = call.body(Rollback.class);
    String reason = request.reason().strip();
    if (reason.isEmpty() || reason.length() > MAX_REASON_LENGTH) {
      throw new ApiException.ValidationFailed(
          FieldError.body(
              "/reason",
              "a rollback needs a reason of 1 to "
                  + MAX_REASON_LENGTH
                  + " characters, saying why (it is kept in the alias history and audit log)"));
    }
    String alias =
        Lookups.aliasName(request.alias().orElse(Alias.PRODUCTION), FieldError.body("/alias", ""));
    String ref =
        switch (request.to()) {
          case JsonNode n when n.isIntegralNumber() -> n.asText();
          case JsonNode n when n.isTextual() -> n.asText();
          default ->
              throw new ApiException.ValidationFailed(
                  FieldError.body(
                      "/to", "to is a version number or an alias name, not " + request.to()));
        };
    DatasetVersion target = lookups.version(dataset, FieldError.body("/to", ""), ref);
    AliasChange change =
        datasets.changeAlias(
            dataset.id(),
            alias,
            target.number(),
            reason,
            request.force().orElse(false),
            Lookups.actor(call));
    call.json(200, AliasMoveView.of(change));
  }

  private void aliasHistory(ApiCall call) {
    Project project = lookups.project(call);
    Dataset dataset = lookups.dataset(call, project);
    String alias = Lookups.aliasName(call.pathParam("alias"), FieldError.path("alias", ""));
    List<AliasChange> changes = datasets.aliasHistory(dataset.id(), alias);
    if (changes.isEmpty() && datasets.resolve(dataset.id(), alias).isEmpty()) {
      throw new ApiException.NotFound(
          "dataset '" + dataset.name() + "' has no alias '" + alias + "'");
    }
    List<AliasMoveView> items = new ArrayList<>();
    for (int i = changes.size() - 1; i >= 0; i--) {
      items.add(AliasMoveView.of(changes.get(i)));
    }
    call.json(200, Map.of("items", items));
  }

  private void listAliases(ApiCall call) {
    Project project = lookups.project(call);
    Dataset dataset = lookups.dataset(call, project);
    call.json(200, Map.of("items", datasets.aliases(dataset.id())));
  }

  private void moveAlias(ApiCall call) {
    Project project = lookups.project(call);
    Dataset dataset = lookups.dataset(call, project);
    AliasMove move = call.body(AliasMove.class);
    Alias alias =
        datasets.moveAlias(
            dataset.id(),
            Lookups.aliasName(call.pathParam("alias"), FieldError.path("alias", "")),
            move.version(),
            move.reason().orElse(""),
            move.force().orElse(false),
            Lookups.actor(call));
    call.json(200, alias);
  }
}
