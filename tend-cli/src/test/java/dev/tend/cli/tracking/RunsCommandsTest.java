package dev.tend.cli.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.Cli;
import dev.tend.cli.LocalServer;
import dev.tend.cli.Main;
import dev.tend.cli.TestServers;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.CreateExperiment;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.ExperimentTag;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * The {@code tend experiments} and {@code tend runs} commands end to end: a real Tend server
 * started in-process, runs logged to it by the official MLflow Java client, and the commands run as
 * a user would, with their settings in environment variables.
 */
class RunsCommandsTest {
  /** 2026-01-01T00:00:00Z: runs start a minute apart from here and last 65 seconds. */
  static final long T0 = 1_767_225_600_000L;

  @TempDir static Path serverDir;
  static LocalServer server;
  static String admin;
  static String delays;
  static String baseline;
  static final Map<String, String> RUNS = new LinkedHashMap<>();

  @BeforeAll
  static void startServerAndLogRuns() throws Exception {
    server = TestServers.start(serverDir);
    admin = server.bootstrap().orElseThrow().plainText();
    Cli.Result project = tend("project", "create", "flights");
    assertThat(project.exitCode()).as(project.toString()).isZero();
    MlflowClient mlflow =
        new MlflowClient(new BasicMlflowHostCreds(server.uri().toString(), admin));
    try {
      delays =
          mlflow.createExperiment(
              CreateExperiment.newBuilder()
                  .setName("delays")
                  .addTags(ExperimentTag.newBuilder().setKey("tend.project").setValue("flights"))
                  .build());
      baseline = mlflow.createExperiment("baseline");
      log(mlflow, delays, "small", 0, RunStatus.FINISHED, params("xgb", "0.1", "4"), 0.81, 0.45);
      log(mlflow, delays, "deep", 1, RunStatus.FINISHED, params("xgb", "0.1", "8"), 0.84, 0.41);
      log(
          mlflow,
          delays,
          "logreg",
          2,
          RunStatus.FINISHED,
          params("logreg", "0.01", null),
          0.74,
          0.52);
      log(mlflow, delays, "cnn", 3, RunStatus.FAILED, params("cnn", "0.001", null), 0.91, null);
      log(mlflow, delays, "pending", 4, RunStatus.RUNNING, Map.of(), null, null);
      log(mlflow, baseline, "constant", 5, RunStatus.FINISHED, Map.of(), 0.5, null);
    } finally {
      mlflow.close();
    }
    HttpResponse<String> inputs =
        post(
            "/api/2.0/mlflow/runs/log-inputs",
            "{\"run_id\":\""
                + RUNS.get("deep")
                + "\",\"datasets\":[{\"tags\":[{\"key\":\"mlflow.data.context\","
                + "\"value\":\"training\"}],\"dataset\":{\"name\":\"flights-2001-01\","
                + "\"digest\":\"4f2a9c\",\"source_type\":\"local\","
                + "\"source\":\"/data/flights-2001-01.parquet\"}}]}");
    assertThat(inputs.statusCode()).as(inputs.body()).isEqualTo(200);
  }

  private static Map<String, String> params(String model, String lr, String depth) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("model", model);
    params.put("lr", lr);
    if (depth != null) {
      params.put("depth", depth);
    }
    params.put("seed", "42");
    return params;
  }

  private static void log(
      MlflowClient mlflow,
      String experiment,
      String name,
      int minute,
      RunStatus status,
      Map<String, String> params,
      Double auc,
      Double logLoss) {
    long start = T0 + minute * 60_000L;
    String runId =
        mlflow
            .createRun(
                CreateRun.newBuilder()
                    .setExperimentId(experiment)
                    .setRunName(name)
                    .setStartTime(start)
                    .build())
            .getRunId();
    List<Metric> metrics = new ArrayList<>();
    if (auc != null) {
      metrics.add(metric("auc", auc, start + 30_000, 10));
      metrics.add(metric("auc", auc - 0.2, start + 10_000, 1));
    }
    if (logLoss != null) {
      metrics.add(metric("log_loss", logLoss, start + 30_000, 10));
    }
    List<Param> paramList = new ArrayList<>();
    params.forEach((k, v) -> paramList.add(Param.newBuilder().setKey(k).setValue(v).build()));
    mlflow.logBatch(runId, metrics, paramList, List.of());
    if (status != RunStatus.RUNNING) {
      mlflow.setTerminated(runId, status, start + 65_000);
    }
    RUNS.put(name, runId);
  }

  private static Metric metric(String key, double value, long timestamp, long step) {
    return Metric.newBuilder()
        .setKey(key)
        .setValue(value)
        .setTimestamp(timestamp)
        .setStep(step)
        .build();
  }

  private static HttpResponse<String> post(String path, String body)
      throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create(server.uri() + path))
              .header("Authorization", "Bearer " + admin)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
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

  static Map<String, String> environment() {
    Map<String, String> environment = new HashMap<>();
    environment.put("TEND_URL", server.uri().toString());
    environment.put("TEND_TOKEN", admin);
    return environment;
  }

  static Cli.Result tend(Object... args) {
    return Cli.runWith(environment(), args);
  }

  static Cli.Result ok(Object... args) {
    Cli.Result result = tend(args);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.err()).as(result.toString()).isEmpty();
    return result;
  }

  /** The run names of a {@code runs list --format json}, in the order listed. */
  static List<String> names(Object... args) {
    List<Object> all = new ArrayList<>(List.of("runs", "list"));
    all.addAll(List.of(args));
    all.addAll(List.of("--format", "json"));
    List<String> names = new ArrayList<>();
    ok(all.toArray()).json().get("runs").forEach(r -> names.add(r.get("run_name").asText()));
    return names;
  }

  @Test
  void experimentsAreListedWithTheirProjects() {
    JsonNode json = ok("experiments", "list", "--format", "json").json();
    Map<String, String> projects = new HashMap<>();
    Map<String, String> ids = new HashMap<>();
    json.get("experiments")
        .forEach(
            e -> {
              projects.put(e.get("name").asText(), e.get("project").asText());
              ids.put(e.get("name").asText(), e.get("experiment_id").asText());
            });
    assertThat(projects)
        .containsEntry("delays", "flights")
        .containsEntry("baseline", "default")
        .containsEntry("Default", "default");
    assertThat(ids).containsEntry("delays", delays).containsEntry("Default", "0");

    Cli.Result table = ok("experiments", "list");
    assertThat(table.out().lines().findFirst().orElseThrow())
        .startsWith("ID")
        .contains("NAME")
        .contains("PROJECT");
    assertThat(table.out()).containsPattern(delays + " +delays +flights +active");

    assertThat(
            ok("experiments", "list", "--filter", "name LIKE 'del%'", "--format", "json")
                .json()
                .get("experiments"))
        .extracting(e -> e.get("name").asText())
        .containsExactly("delays");
  }

  @Test
  void runsAreListedNewestFirstInEveryExperimentOrInTheOnesNamed() {
    assertThat(names()).containsExactly("constant", "pending", "cnn", "logreg", "deep", "small");
    assertThat(names("--experiment", "delays"))
        .containsExactly("pending", "cnn", "logreg", "deep", "small");
    assertThat(names("--experiment", delays, "-e", "baseline"))
        .as("by id, and by name")
        .containsExactly("constant", "pending", "cnn", "logreg", "deep", "small");

    JsonNode json = ok("runs", "list", "-e", "delays", "--format", "json").json();
    assertThat(json.get("truncated").asBoolean()).isFalse();
    assertThat(json.at("/experiments/0/name").asText()).isEqualTo("delays");
    JsonNode deep = json.at("/runs/3");
    assertThat(deep.get("run_id").asText()).isEqualTo(RUNS.get("deep"));
    assertThat(deep.get("experiment_name").asText()).isEqualTo("delays");
    assertThat(deep.get("status").asText()).isEqualTo("FINISHED");
    assertThat(deep.get("start_time").asLong()).isEqualTo(T0 + 60_000);
    assertThat(deep.get("end_time").asLong()).isEqualTo(T0 + 125_000);
    assertThat(deep.at("/metrics/auc/value").asDouble()).isEqualTo(0.84);
    assertThat(deep.at("/metrics/auc/step").asLong()).isEqualTo(10);
    assertThat(deep.at("/params/depth").asText()).isEqualTo("8");
    assertThat(json.at("/runs/0/end_time").isNull()).as("pending has not ended").isTrue();

    Cli.Result table = ok("runs", "list", "-e", "delays");
    List<String> lines = table.out().lines().toList();
    assertThat(lines.get(0))
        .containsPattern("RUN ID +NAME +EXPERIMENT +STATUS +STARTED +DURATION +AUC +LOG_LOSS");
    assertThat(lines.get(4))
        .containsPattern(
            RUNS.get("deep") + " +deep +delays +FINISHED +2026-01-01 00:01:00 +1m 05s +0.84 +0.41");
    assertThat(lines.get(1)).containsPattern("pending +delays +RUNNING .* +- +-$");
    assertThat(lines).hasSize(6);
  }

  @Test
  void filtersTakeMlflowsGrammarAndTendsOr() {
    assertThat(names("--filter", "params.model = 'cnn' OR metrics.auc > 0.82"))
        .containsExactly("cnn", "deep");
    assertThat(
            names(
                "--filter",
                "(params.model = 'xgb' OR params.model = 'logreg') AND metrics.log_loss < 0.5"))
        .containsExactly("deep", "small");
    assertThat(names("--filter", "attributes.status = 'FAILED'")).containsExactly("cnn");
    assertThat(names("-e", "baseline", "--filter", "params.model = 'cnn'")).isEmpty();
    assertThat(ok("runs", "list", "--filter", "metrics.auc > 2").out())
        .isEqualTo("No runs match.\n");
  }

  @Test
  void ordersPutRunsWithoutTheMetricLast() {
    assertThat(names("-e", "delays", "--order-by", "metrics.auc DESC"))
        .containsExactly("cnn", "deep", "small", "logreg", "pending");
    assertThat(names("-e", "delays", "--order-by", "params.model", "--order-by", "metrics.auc"))
        .containsExactly("cnn", "logreg", "small", "deep", "pending");
    Cli.Result table = ok("runs", "list", "-e", "delays", "--order-by", "metrics.log_loss");
    assertThat(table.out().lines().findFirst().orElseThrow())
        .as("the ordering metric comes first")
        .containsPattern("DURATION +LOG_LOSS +AUC");
  }

  @Test
  void pagesAreFollowedByTheirTokensUpToTheLimitOrToTheEnd() {
    List<String> everything = names("--order-by", "metrics.auc DESC");
    assertThat(everything).hasSize(6);

    JsonNode limited =
        ok(
                "runs",
                "list",
                "--order-by",
                "metrics.auc DESC",
                "--limit",
                "3",
                "--page-size",
                "2",
                "--format",
                "json")
            .json();
    assertThat(limited.get("runs"))
        .extracting(r -> r.get("run_name").asText())
        .containsExactlyElementsOf(everything.subList(0, 3));
    assertThat(limited.get("truncated").asBoolean()).isTrue();

    assertThat(names("--order-by", "metrics.auc DESC", "--all", "--page-size", "2"))
        .as("three pages of two")
        .containsExactlyElementsOf(everything);
    assertThat(names("--order-by", "metrics.auc DESC", "--limit", "6", "--page-size", "4"))
        .containsExactlyElementsOf(everything);

    Cli.Result table = ok("runs", "list", "--limit", "2");
    assertThat(table.out())
        .endsWith("(the first 2 runs; more match: raise --limit or use --all)\n");
  }

  @Test
  void showPrintsInfoParamsLatestMetricsTagsAndDatasets() {
    String deep = RUNS.get("deep");
    Cli.Result show = ok("runs", "show", deep);
    assertThat(show.out())
        .startsWith("Run " + deep + " (deep)\n")
        .contains("  experiment delays (id " + delays + ")\n")
        .contains("  status     FINISHED\n")
        .contains("  started    2026-01-01 00:01:00\n")
        .contains("  ended      2026-01-01 00:02:05 (1m 05s)\n")
        .containsPattern("\n  depth +8\n")
        .containsPattern("\n  auc +0.84 +10 +2026-01-01 00:01:30\n")
        .containsPattern("mlflow.runName +deep")
        .containsPattern("flights-2001-01 +training +local +/data/flights-2001-01.parquet +4f2a9c");

    JsonNode json = ok("runs", "show", deep, "--format", "json").json();
    assertThat(json.get("run_id").asText()).isEqualTo(deep);
    assertThat(json.get("experiment_name").asText()).isEqualTo("delays");
    assertThat(json.at("/params/model").asText()).isEqualTo("xgb");
    assertThat(json.at("/metrics/log_loss/value").asDouble()).isEqualTo(0.41);
    assertThat(json.at("/tags/mlflow.runName").asText()).isEqualTo("deep");
    assertThat(json.at("/inputs/0/context").asText()).isEqualTo("training");
    assertThat(json.at("/inputs/0/tend_dataset_version_id").isNull()).isTrue();

    assertThat(ok("runs", "show", RUNS.get("pending")).out())
        .contains("  status     RUNNING\n")
        .contains("Metrics (latest)\n  (none)\n")
        .contains("Datasets\n  (none)\n");
  }

  @Test
  void compareShowsDifferingParamsFirstAndMarksTheBestValueOfEachMetric() {
    String small = RUNS.get("small");
    String deep = RUNS.get("deep");
    String logreg = RUNS.get("logreg");
    Cli.Result compare = ok("runs", "compare", small, deep, logreg);
    List<String> lines = compare.out().lines().toList();
    assertThat(lines.get(0)).containsPattern("^ +small +deep +logreg$");
    assertThat(lines.get(1)).containsPattern("run id +" + small + " +" + deep + " +" + logreg);
    assertThat(compare.out())
        .contains("Params (3 of 4 differ)\n")
        .containsPattern("\n  depth +differs +4 +8 +-\n")
        .containsPattern("\n  lr +differs +0.1 +0.1 +0.01\n")
        .containsPattern("\n  model +differs +xgb +xgb +logreg\n")
        .containsPattern("\n  seed +42 +42 +42\n")
        .containsPattern("\n  auc +max +0.81 +0.84 \\(\\+0.03\\) \\* +0.74 \\(-0.07\\)\n")
        .containsPattern("\n  log_loss +min +0.45 +0.41 \\(-0.04\\) \\* +0.52 \\(\\+0.07\\)\n");
    assertThat(compare.out().indexOf("  seed"))
        .as("equal params after the differing ones")
        .isGreaterThan(compare.out().indexOf("  model"));

    JsonNode json = ok("runs", "compare", small, deep, logreg, "--format", "json").json();
    assertThat(json.get("runs"))
        .extracting(r -> r.get("run_name").asText())
        .containsExactly("small", "deep", "logreg");
    assertThat(json.get("params"))
        .extracting(p -> p.get("key").asText())
        .containsExactly("depth", "lr", "model", "seed");
    assertThat(json.at("/params/0/values/2").isNull()).isTrue();
    assertThat(json.at("/params/3/differs").asBoolean()).isFalse();
    JsonNode auc = json.at("/metrics/0");
    assertThat(auc.get("key").asText()).isEqualTo("auc");
    assertThat(auc.get("goal").asText()).isEqualTo("max");
    assertThat(auc.get("best_run_ids")).extracting(JsonNode::asText).containsExactly(deep);
    assertThat(auc.at("/deltas/0").asDouble()).isZero();
    assertThat(auc.at("/deltas/1").asDouble())
        .isCloseTo(0.03, org.assertj.core.data.Offset.offset(1e-12));
    JsonNode logLoss = json.at("/metrics/1");
    assertThat(logLoss.get("goal").asText()).isEqualTo("min");
    assertThat(logLoss.get("best_run_ids")).extracting(JsonNode::asText).containsExactly(deep);

    JsonNode flipped =
        ok("runs", "compare", small, deep, "--minimize", "auc", "--format", "json").json();
    assertThat(flipped.at("/metrics/0/best_run_ids/0").asText()).isEqualTo(small);

    assertThat(ok("runs", "compare", RUNS.get("cnn"), RUNS.get("pending")).out())
        .as("a metric only one run has, and a run without metrics")
        .containsPattern("\n  auc +max +0.91 \\* +-\n");
  }

  @Test
  void anUnknownRunIsAClearUsageError() {
    Cli.Result show = tend("runs", "show", "0123456789abcdef0123456789abcdef");
    Cli.assertCleanUsageError(show);
    assertThat(show.err())
        .isEqualTo("tend: Not found: Run with id=0123456789abcdef0123456789abcdef not found\n");

    Cli.Result compare = tend("runs", "compare", RUNS.get("deep"), "nope");
    Cli.assertCleanUsageError(compare);
    assertThat(compare.err()).isEqualTo("tend: Not found: Run with id=nope not found\n");
  }

  @Test
  void aMalformedFilterIsShownWithACaretUnderTheProblem() {
    String filter = "metrics.acc > 0.5 AND params.lr == '1'";
    Cli.Result result = tend("runs", "list", "--filter", filter);
    Cli.assertCleanUsageError(result);
    int position = filter.indexOf("==") + 1;
    assertThat(result.err())
        .isEqualTo(
            "tend: invalid --filter at position "
                + position
                + ": unknown comparator '=='; use =, !=, <, <=, >, >=, LIKE, ILIKE, IN or NOT IN\n"
                + "  "
                + filter
                + "\n"
                + "  "
                + " ".repeat(position - 1)
                + "^\n");

    Cli.Result order = tend("runs", "list", "--order-by", "metrics.auc SIDEWAYS");
    Cli.assertCleanUsageError(order);
    assertThat(order.err())
        .startsWith("tend: invalid --order-by 'metrics.auc SIDEWAYS' at position ");
    assertThat(order.err().lines().toList()).hasSize(3).last().asString().endsWith("^");

    Cli.Result experiments = tend("experiments", "list", "--filter", "name ~ 'x'");
    Cli.assertCleanUsageError(experiments);
    assertThat(experiments.err()).startsWith("tend: invalid --filter at position 6: ");
    assertThat(experiments.err()).endsWith("\n  name ~ 'x'\n       ^\n");
  }

  @Test
  void badOptionsAndUnknownExperimentsAreUsageErrors() {
    Cli.Result unknown = tend("runs", "list", "--experiment", "nope");
    Cli.assertCleanUsageError(unknown);
    assertThat(unknown.err())
        .isEqualTo(
            "tend: no experiment named or numbered 'nope' on "
                + server.uri()
                + " (tend experiments list shows them)\n");
    Cli.assertCleanUsageError(tend("runs", "list", "--experiment", "987654"));
    Cli.assertCleanUsageError(tend("runs", "list", "--limit", "0"));
    Cli.assertCleanUsageError(tend("runs", "list", "--page-size", "50001"));
    Cli.assertCleanUsageError(tend("runs", "list", "--view", "archived"));
    Cli.assertCleanUsageError(tend("runs", "list", "--format", "yaml"));

    Cli.Result one = tend("runs", "compare", RUNS.get("deep"));
    assertThat(one.exitCode()).isEqualTo(Main.USAGE);
    assertThat(one.err()).startsWith("tend: ").doesNotContain("\tat ");
    Cli.Result twice = tend("runs", "compare", RUNS.get("deep"), RUNS.get("deep"));
    Cli.assertCleanUsageError(twice);
    assertThat(twice.err()).startsWith("tend: each run may be given once");
    Cli.assertCleanUsageError(
        tend(
            "runs",
            "compare",
            RUNS.get("deep"),
            RUNS.get("small"),
            "--minimize",
            "auc",
            "--maximize",
            "auc"));
  }

  @Test
  void withoutATokenTheServerSaysWhatToSet() {
    Map<String, String> anonymous = new HashMap<>(environment());
    anonymous.remove("TEND_TOKEN");
    Cli.Result result = Cli.runWith(anonymous, "runs", "show", RUNS.get("deep"));
    Cli.assertCleanUsageError(result);
    assertThat(result.err())
        .startsWith("tend: Authentication required: ")
        .contains("set TEND_TOKEN (or --token)");
  }

  @Test
  void anUnreachableServerIsExitThree() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Cli.Result result =
        tend("runs", "list", "--url", "http://127.0.0.1:" + port, "--format", "json");
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.INTERNAL);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).startsWith("tend: cannot reach Tend at http://127.0.0.1:" + port);
    assertThat(tend("experiments", "list", "--url", "http://127.0.0.1:" + port).exitCode())
        .isEqualTo(Main.INTERNAL);
  }
}
