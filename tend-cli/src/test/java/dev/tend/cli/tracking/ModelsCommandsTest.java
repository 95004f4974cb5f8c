package dev.tend.cli.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.Cli;
import dev.tend.cli.LocalServer;
import dev.tend.cli.TestServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The {@code tend models} commands end to end against a real Tend server with the model registry: a
 * run logged by the official MLflow client, its model uploaded through the artifact proxy and
 * registered twice through MLflow's registry REST API (which the Java client does not cover), then
 * the commands run as a user would.
 */
class ModelsCommandsTest {
  static final String MODEL = "flight-delays";
  static final String MLMODEL =
      """
      artifact_path: model
      flavors:
        xgboost:
          data: model.xgb
          model_format: xgb
          xgb_version: 1.7.4
      signature:
        inputs: '[{"type": "long", "name": "hour"}, {"type": "double", "name": "distance"}]'
        outputs: '[{"type": "double"}]'
      """;

  @TempDir static Path serverDir;
  static LocalServer server;
  static String admin;
  static String runId;

  @BeforeAll
  static void startServerAndRegisterAModel() throws Exception {
    server = TestServers.start(serverDir);
    admin = server.bootstrap().orElseThrow().plainText();
    String experimentId;
    MlflowClient mlflow =
        new MlflowClient(new BasicMlflowHostCreds(server.uri().toString(), admin));
    try {
      experimentId = mlflow.createExperiment("delays");
      runId = mlflow.createRun(experimentId).getRunId();
      mlflow.logParam(runId, "max_depth", "6");
      mlflow.logMetric(runId, "auc", 0.84);
      mlflow.setTerminated(runId, RunStatus.FINISHED);
    } finally {
      mlflow.close();
    }
    String artifacts =
        "/api/2.0/mlflow-artifacts/artifacts/" + experimentId + "/" + runId + "/artifacts/model/";
    expect(send("PUT", artifacts + "MLmodel", MLMODEL), 200);
    expect(send("PUT", artifacts + "model.xgb", "{\"learner\":{}}"), 200);
    expect(
        send(
            "POST",
            "/api/2.0/mlflow/registered-models/create",
            "{\"name\":\"" + MODEL + "\",\"description\":\"Delays over 15 minutes\"}"),
        200);
    for (int version = 1; version <= 2; version++) {
      expect(
          send(
              "POST",
              "/api/2.0/mlflow/model-versions/create",
              "{\"name\":\""
                  + MODEL
                  + "\",\"source\":\"runs:/"
                  + runId
                  + "/model\",\"run_id\":\""
                  + runId
                  + "\",\"description\":\"v"
                  + version
                  + "\"}"),
          200);
    }
    expect(
        send(
            "POST",
            "/api/2.0/mlflow/model-versions/transition-stage",
            "{\"name\":\""
                + MODEL
                + "\",\"version\":\"1\",\"stage\":\"Production\","
                + "\"archive_existing_versions\":false}"),
        200);
  }

  private static void expect(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
  }

  private static HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create(server.uri() + path))
              .header("Authorization", "Bearer " + admin)
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  static Cli.Result tend(Object... args) {
    Map<String, String> environment = new HashMap<>();
    environment.put("TEND_URL", server.uri().toString());
    environment.put("TEND_TOKEN", admin);
    return Cli.runWith(environment, args);
  }

  static Cli.Result ok(Object... args) {
    Cli.Result result = tend(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }

  static Map<String, String> aliases() {
    Map<String, String> aliases = new HashMap<>();
    ok("models", "show", MODEL, "--format", "json")
        .json()
        .at("/registered_model/aliases")
        .forEach(a -> aliases.put(a.get("alias").asText(), a.get("version").asText()));
    return aliases;
  }

  @Test
  void modelsAreListedAsATableAndAsJson() {
    Cli.Result table = ok("models", "list");
    assertThat(table.out().lines().findFirst().orElseThrow()).startsWith("NAME").contains("LATEST");
    assertThat(table.out()).containsPattern(MODEL + " +2 .*Delays over 15 minutes");

    JsonNode json = ok("models", "list", "--format", "json").json();
    assertThat(json.get("registered_models"))
        .extracting(m -> m.get("name").asText())
        .contains(MODEL);
    assertThat(json.get("truncated").asBoolean()).isFalse();
    assertThat(
            ok("models", "list", "--filter", "name LIKE 'nothing%'", "--format", "json")
                .json()
                .get("registered_models"))
        .isEmpty();
  }

  @Test
  void showAndVersionsPrintTheModelItsStagesAndItsVersionsNewestFirst() {
    Cli.Result show = ok("models", "show", MODEL);
    assertThat(show.out())
        .startsWith("Model " + MODEL + "\n")
        .contains("  description  Delays over 15 minutes\n")
        .containsPattern("Production +1 +READY +.*" + runId);

    JsonNode shown = ok("models", "show", MODEL, "--format", "json").json();
    assertThat(shown.at("/registered_model/name").asText()).isEqualTo(MODEL);
    List<String> stages = new ArrayList<>();
    shown.get("latest_versions").forEach(v -> stages.add(v.get("current_stage").asText()));
    assertThat(stages).contains("Production", "None");

    Cli.Result versions = ok("models", "versions", MODEL);
    List<String> lines = versions.out().lines().toList();
    assertThat(lines.get(0)).containsPattern("VERSION +STAGE +STATUS +ALIASES +RUN ID");
    assertThat(lines.get(1)).containsPattern("^2 +None +READY +.*" + runId + ".* v2$");
    assertThat(lines.get(2)).containsPattern("^1 +Production +READY +.*" + runId + ".* v1$");

    JsonNode json = ok("models", "versions", MODEL, "--format", "json").json();
    assertThat(json.get("model_versions"))
        .extracting(v -> v.get("version").asText())
        .containsExactly("2", "1");
    assertThat(
            ok("models", "versions", MODEL, "--limit", "1", "--format", "json")
                .json()
                .get("model_versions"))
        .hasSize(1);
  }

  @Test
  void anAliasIsSetMovedAndDeleted() {
    assertThat(ok("models", "alias", MODEL, "champion", "1").out())
        .isEqualTo("Alias champion of " + MODEL + " now points at version 1\n");
    assertThat(aliases()).containsEntry("champion", "1");
    assertThat(ok("models", "alias", MODEL, "champion", "2").out())
        .isEqualTo("Alias champion of " + MODEL + " now points at version 2 (was 1)\n");
    assertThat(ok("models", "versions", MODEL).out()).containsPattern("\n2 +None +READY +champion");

    JsonNode moved = ok("models", "alias", MODEL, "challenger", "1", "--format", "json").json();
    assertThat(moved.get("version").asText()).isEqualTo("1");
    assertThat(moved.get("previous_version").isNull()).isTrue();

    assertThat(ok("models", "alias", MODEL, "champion", "--delete").out())
        .isEqualTo("Deleted alias champion of " + MODEL + " (it pointed at version 2)\n");
    assertThat(aliases()).doesNotContainKey("champion").containsEntry("challenger", "1");
  }

  @Test
  void badInputIsAClearUsageErrorAndChangesNothing() {
    ok("models", "alias", MODEL, "stable", "1");

    Cli.Result unknown = tend("models", "show", "no-such-model");
    Cli.assertCleanUsageError(unknown);
    assertThat(unknown.err()).startsWith("tend: Not found: ");
    Cli.assertCleanUsageError(tend("models", "versions", "no-such-model"));
    Cli.assertCleanUsageError(tend("models", "alias", "no-such-model", "champion", "1"));

    Cli.Result notANumber = tend("models", "alias", MODEL, "stable", "two");
    Cli.assertCleanUsageError(notANumber);
    assertThat(notANumber.err())
        .isEqualTo("tend: VERSION must be a version number such as 3, got 'two'\n");
    Cli.assertCleanUsageError(tend("models", "alias", MODEL, "stable"));
    Cli.assertCleanUsageError(tend("models", "alias", MODEL, "stable", "1", "--delete"));
    Cli.Result missingAlias = tend("models", "alias", MODEL, "nope", "--delete");
    Cli.assertCleanUsageError(missingAlias);
    assertThat(missingAlias.err()).isEqualTo("tend: model " + MODEL + " has no alias 'nope'\n");

    Cli.assertCleanUsageError(tend("models", "alias", MODEL, "stable", "99"));
    assertThat(aliases()).containsEntry("stable", "1");

    Cli.Result filter = tend("models", "list", "--filter", "name ~ 'x'");
    Cli.assertCleanUsageError(filter);
    assertThat(filter.err()).startsWith("tend: invalid --filter at position 6: ").endsWith("^\n");
  }
}
