package dev.tend.pipeline.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file contract end to end: the folder {@link CommandWorkspace#prepare} lays out, the
 * environment a real program sees, and the checks of what real {@code /bin/sh} programs write.
 */
class CommandWorkspaceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> MODEL_AND_METRICS =
      orderedMap("model", "model", "metrics", "metrics.json");

  @TempDir Path tmp;
  private Path work;
  private Path pipelineFolder;
  private Path dataset;

  @BeforeEach
  void setUp() throws IOException {
    work = tmp.resolve("work");
    pipelineFolder = Files.createDirectories(tmp.resolve("pipeline"));
    dataset = Files.createDirectories(tmp.resolve("work/inputs/flights"));
    Files.writeString(dataset.resolve("data.csv"), "delay,distance\n3,100\n");
  }

  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private CommandWorkspace prepare(Map<String, String> outputs) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("max_depth", 6L);
    params.put("eta", 0.3);
    params.put("label", "delay > 15");
    params.put("early_stop", true);
    return CommandWorkspace.prepare(
        work,
        new CommandParams("flight-delays", "run-1", "train", 2, OptionalLong.of(42), params),
        List.of(
            new CommandInput(
                "flights",
                CommandInput.Kind.DATASET,
                dataset,
                Optional.of("flights@3"),
                Map.of("rows", 1)),
            CommandInput.of(
                "notes", CommandInput.Kind.FILE, dataset.resolve("data.csv"), Optional.empty())),
        outputs);
  }

  /** Runs a shell script from the pipeline's folder under the contract, then checks outputs. */
  private CommandOutputs runStep(String script, Map<String, String> outputs) throws IOException {
    CommandWorkspace workspace = prepare(outputs);
    Files.writeString(pipelineFolder.resolve("step.sh"), script);
    CommandOutcome outcome =
        new CommandRunner()
            .run(
                new CommandSpec(
                    List.of("/bin/sh", "step.sh"),
                    pipelineFolder,
                    workspace.environment(System.getenv(), Map.of()),
                    Duration.ofMinutes(1)),
                LineSink.discard(),
                () -> false);
    assertThat(outcome.failureReason()).isEmpty();
    return workspace.verifyOutputs();
  }

  @Test
  void prepareWritesParamsAndInputsAndAnEmptyOutputsFolder() throws IOException {
    Files.createDirectories(work.resolve("outputs/model"));
    Files.writeString(work.resolve("outputs/model/stale.json"), "{}");

    CommandWorkspace workspace = prepare(MODEL_AND_METRICS);

    JsonNode params = JSON.readTree(workspace.paramsFile().toFile());
    assertThat(params.toString())
        .isEqualTo(
            "{\"pipeline\":\"flight-delays\",\"run_id\":\"run-1\",\"step_id\":\"train\","
                + "\"attempt\":2,\"seed\":42,\"params\":{\"max_depth\":6,\"eta\":0.3,"
                + "\"label\":\"delay > 15\",\"early_stop\":true}}");
    JsonNode inputs = JSON.readTree(workspace.inputsFile().toFile());
    assertThat(inputs.toString())
        .isEqualTo(
            "{\"flights\":{\"kind\":\"dataset\",\"path\":\""
                + dataset
                + "\",\"ref\":\"flights@3\",\"rows\":1},"
                + "\"notes\":{\"kind\":\"file\",\"path\":\""
                + dataset.resolve("data.csv")
                + "\"}}");
    assertThat(workspace.outputsDir()).isEmptyDirectory();
    assertThat(workspace.inputsDir().resolve("flights/data.csv")).exists();
  }

  @Test
  void paramsWithoutASeedLeaveItOut() throws IOException {
    CommandWorkspace workspace =
        CommandWorkspace.prepare(
            work,
            new CommandParams("p", "r", "s", 1, OptionalLong.empty(), Map.of()),
            List.of(),
            Map.of());

    assertThat(JSON.readTree(workspace.paramsFile().toFile()).has("seed")).isFalse();
    assertThat(workspace.environment(Map.of(), Map.of())).doesNotContainKey("TEND_SEED");
  }

  @Test
  void theEnvironmentKeepsOnlyTheContractsVariables() {
    CommandWorkspace workspace = prepare(MODEL_AND_METRICS);
    Map<String, String> parent = new HashMap<>();
    parent.put("PATH", "/opt/bin:/usr/bin");
    parent.put("HOME", "/home/tend");
    parent.put("LANG", "de_DE.UTF-8");
    parent.put("TEND_ADMIN_TOKEN", "secret");
    parent.put("TEND_DB_URL", "jdbc:postgresql://db/tend");
    parent.put("TEND_DB_PASSWORD", "secret");
    parent.put("AWS_SECRET_ACCESS_KEY", "secret");
    parent.put("LD_PRELOAD", "/evil.so");

    Map<String, String> env = workspace.environment(parent, Map.of("OMP_NUM_THREADS", "2"));

    assertThat(env)
        .containsOnlyKeys(
            "PATH",
            "HOME",
            "LANG",
            "TZ",
            "PYTHONUNBUFFERED",
            "TEND_WORK",
            "TEND_PARAMS",
            "TEND_INPUTS",
            "TEND_OUTPUTS",
            "TEND_RUN_ID",
            "TEND_STEP_ID",
            "TEND_SEED",
            "OMP_NUM_THREADS")
        .contains(
            entry("PATH", "/opt/bin:/usr/bin"),
            entry("LANG", "de_DE.UTF-8"),
            entry("TZ", "UTC"),
            entry("TEND_WORK", work.toAbsolutePath().toString()),
            entry("TEND_OUTPUTS", work.resolve("outputs").toAbsolutePath().toString()),
            entry("TEND_INPUTS", work.resolve("inputs.json").toAbsolutePath().toString()),
            entry("TEND_PARAMS", work.resolve("params.json").toAbsolutePath().toString()),
            entry("TEND_RUN_ID", "run-1"),
            entry("TEND_STEP_ID", "train"),
            entry("TEND_SEED", "42"),
            entry("OMP_NUM_THREADS", "2"));
    assertThat(workspace.environment(Map.of(), Map.of()))
        .contains(entry("PATH", "/usr/local/bin:/usr/bin:/bin"), entry("LANG", "C.UTF-8"))
        .doesNotContainKey("HOME");
    assertThat(workspace.environment(Map.of("TZ", "Europe/Berlin"), Map.of("TZ", "Asia/Tokyo")))
        .containsEntry("TZ", "Asia/Tokyo");
  }

  @Test
  void aStepsEnvCannotSetTheContractsVariablesOrBadNames() {
    CommandWorkspace workspace = prepare(MODEL_AND_METRICS);

    assertThatThrownBy(() -> workspace.environment(Map.of(), Map.of("TEND_OUTPUTS", "/tmp")))
        .isInstanceOf(CommandContractException.class)
        .hasMessage(
            "env sets TEND_OUTPUTS, which Tend sets for every command; choose another name");
    assertThatThrownBy(() -> workspace.environment(Map.of(), Map.of("A=B", "x")))
        .isInstanceOf(CommandContractException.class)
        .hasMessageContaining("env name 'A=B' is not allowed");
  }

  @Test
  void aRealProgramSeesExactlyTheContractsEnvironment() throws IOException {
    CommandWorkspace workspace = prepare(MODEL_AND_METRICS);
    Map<String, String> env = workspace.environment(System.getenv(), Map.of("GREETING", "hi"));
    List<String> lines = new ArrayList<>();

    CommandOutcome outcome =
        new CommandRunner()
            .run(
                new CommandSpec(
                    List.of("/usr/bin/env"), pipelineFolder, env, Duration.ofMinutes(1)),
                (stream, line) -> lines.add(line),
                () -> false);

    assertThat(outcome.succeeded()).isTrue();
    Map<String, String> seen = new HashMap<>();
    for (String line : lines) {
      int eq = line.indexOf('=');
      seen.put(line.substring(0, eq), line.substring(eq + 1));
    }
    assertThat(seen).isEqualTo(env);
    assertThat(seen)
        .containsEntry("GREETING", "hi")
        .containsEntry("TEND_STEP_ID", "train")
        .doesNotContainKeys("TEND_ADMIN_TOKEN", "TEND_TEST_PG_URL", "JAVA_HOME", "MAVEN_OPTS");
  }

  @Test
  void aProgramThatWritesItsOutputsPassesAndItsMetricsAreRead() throws IOException {
    CommandOutputs outputs =
        runStep(
            "cat \"$TEND_PARAMS\" > /dev/null && cd \"$TEND_OUTPUTS\" && mkdir model"
                + " && echo '{}' > model/model.json"
                + " && printf '{\"auc\": 0.71, \"log_loss\": 5e-1, \"rows\": 200}' > metrics.json",
            MODEL_AND_METRICS);

    Path outputsDir = work.resolve("outputs").toRealPath();
    assertThat(outputs.paths())
        .containsExactly(
            entry("model", outputsDir.resolve("model")),
            entry("metrics", outputsDir.resolve("metrics.json")));
    assertThat(outputs.metrics())
        .containsExactly(entry("auc", 0.71), entry("log_loss", 0.5), entry("rows", 200.0));
  }

  @Test
  void aModelThatWasNotWrittenIsNamedWithTheContract() {
    assertThatThrownBy(
            () -> runStep("echo '{}' > \"$TEND_OUTPUTS/metrics.json\"", MODEL_AND_METRICS))
        .isInstanceOf(CommandContractException.class)
        .hasMessageStartingWith(
            "the command wrote no 'model' at outputs/model (the file contract: a command writes"
                + " each declared output under $TEND_OUTPUTS");
  }

  @Test
  void anEmptyModelFolderOrAModelFileFails() {
    assertThatThrownBy(() -> runStep("mkdir \"$TEND_OUTPUTS/model\"", Map.of("model", "model")))
        .isInstanceOf(CommandContractException.class)
        .hasMessageStartingWith("the command left the model folder outputs/model empty");
    assertThatThrownBy(
            () -> runStep("echo x > \"$TEND_OUTPUTS/model.ubj\"", Map.of("model", "model.ubj")))
        .isInstanceOf(CommandContractException.class)
        .hasMessageStartingWith("'model' at outputs/model.ubj is a file, but a model is a folder");
  }

  private void assertBadMetrics(String content, String message) {
    assertThatThrownBy(
            () ->
                runStep(
                    "printf '%s' '" + content + "' > \"$TEND_OUTPUTS/m.json\"",
                    Map.of("metrics", "m.json")))
        .isInstanceOf(CommandContractException.class)
        .hasMessageContaining(message);
  }

  @Test
  void metricsMustBeAJsonObjectOfFiniteNumbers() {
    assertBadMetrics(
        "{\"auc\": 0.7, \"f1\": NaN}",
        "metric 'f1' in outputs/m.json is NaN; every metric must be a finite number");
    assertBadMetrics("{\"auc\": -Infinity}", "metric 'auc' in outputs/m.json is -Infinity");
    assertBadMetrics("{\"auc\": 1e999}", "metric 'auc' in outputs/m.json is");
    assertBadMetrics("{\"auc\": \"0.7\"}", "metric 'auc' in outputs/m.json is \"0.7\"");
    assertBadMetrics("{\"auc\": null}", "metric 'auc' in outputs/m.json is null");
    assertBadMetrics("{\"auc\": {\"value\": 1}}", "metric 'auc' in outputs/m.json is {");
    assertBadMetrics("[0.7, 0.2]", "'metrics' at outputs/m.json holds a JSON array");
    assertBadMetrics("", "'metrics' at outputs/m.json holds nothing");
    assertBadMetrics("{\"auc\": 0.7", "'metrics' at outputs/m.json is not valid JSON");
    assertBadMetrics("{\"auc\": 0.7, \"auc\": 0.8}", "Duplicate field 'auc'");
  }

  @Test
  void declaredPathsThatLeaveOutputsAreRejectedBeforeAnythingRuns() {
    assertThatThrownBy(() -> prepare(Map.of("model", "../model")))
        .isInstanceOf(CommandContractException.class)
        .hasMessage(
            "output 'model' is declared at '../model', which goes up with '..'; declare a path"
                + " inside outputs/, such as 'model'");
    assertThatThrownBy(() -> prepare(Map.of("metrics", "/tmp/metrics.json")))
        .isInstanceOf(CommandContractException.class)
        .hasMessageContaining("which is absolute")
        .hasMessageContaining("such as 'metrics.json'");
    assertThatThrownBy(() -> prepare(Map.of("model", "a/../../b")))
        .hasMessageContaining("goes up with '..'");
    assertThatThrownBy(() -> prepare(Map.of("model", " "))).hasMessageContaining("which is empty");
    assertThatThrownBy(() -> prepare(Map.of("model", "./.")))
        .hasMessageContaining("names outputs/ itself");
    assertThatThrownBy(() -> prepare(Map.of("../x", "x")))
        .isInstanceOf(CommandContractException.class)
        .hasMessageContaining("output name '../x' is not allowed");
    assertThat(CommandWorkspace.checkDeclaredOutputs(Map.of("model", "./model/")))
        .containsExactly(entry("model", "model"));
  }

  @Test
  void symbolicLinksLeadingOutOfOutputsAreRejected() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.writeString(outside.resolve("model.json"), "{}");
    Files.writeString(outside.resolve("metrics.json"), "{\"auc\": 0.9}");

    assertThatThrownBy(
            () ->
                runStep(
                    "ln -s '" + outside + "' \"$TEND_OUTPUTS/model\"", Map.of("model", "model")))
        .isInstanceOf(CommandContractException.class)
        .hasMessage(
            "'model' at outputs/model leads to "
                + outside.toRealPath()
                + ", outside outputs/; outputs must be written inside outputs/, not linked from"
                + " elsewhere");
    assertThatThrownBy(
            () ->
                runStep(
                    "mkdir \"$TEND_OUTPUTS/model\"; echo '{}' > \"$TEND_OUTPUTS/model/model.json\";"
                        + " ln -s /etc/passwd \"$TEND_OUTPUTS/model/passwd\"",
                    Map.of("model", "model")))
        .hasMessageStartingWith("'model' at outputs/model/passwd leads to /etc/passwd");
    assertThatThrownBy(
            () ->
                runStep(
                    "ln -s '" + outside + "' \"$TEND_OUTPUTS/sub\"",
                    Map.of("metrics", "sub/metrics.json")))
        .hasMessageContaining("leads to " + outside.toRealPath().resolve("metrics.json"));
    assertThatThrownBy(
            () ->
                runStep(
                    "ln -s nowhere \"$TEND_OUTPUTS/report.html\"", Map.of("report", "report.html")))
        .hasMessageStartingWith("'report' at outputs/report.html is a symbolic link to nothing");
  }

  @Test
  void aLinkThatStaysInsideOutputsIsFine() throws IOException {
    CommandOutputs outputs =
        runStep(
            "cd \"$TEND_OUTPUTS\" && mkdir -p build/m && echo x > build/m/model.json"
                + " && ln -s build/m model",
            Map.of("model", "model"));

    assertThat(outputs.paths().get("model"))
        .isEqualTo(work.resolve("outputs/build/m").toRealPath());
  }

  @Test
  void inputsMustBeOnDiskAndNamedOnce() {
    CommandParams params = new CommandParams("p", "r", "s", 1, OptionalLong.empty(), Map.of());
    CommandInput flights =
        CommandInput.of("flights", CommandInput.Kind.DATASET, dataset, Optional.empty());

    assertThatThrownBy(
            () -> CommandWorkspace.prepare(work, params, List.of(flights, flights), Map.of()))
        .hasMessage("input 'flights' is given twice");
    assertThatThrownBy(
            () ->
                CommandWorkspace.prepare(
                    work,
                    params,
                    List.of(
                        CommandInput.of(
                            "m", CommandInput.Kind.MODEL, tmp.resolve("none"), Optional.empty())),
                    Map.of()))
        .hasMessageStartingWith("input 'm' is not on disk at");
    assertThatThrownBy(
            () ->
                new CommandInput(
                    "flights",
                    CommandInput.Kind.DATASET,
                    dataset,
                    Optional.empty(),
                    Map.of("path", "x")))
        .hasMessage("input 'flights' cannot have a property named 'path'");
    assertThatThrownBy(
            () ->
                new CommandParams("p", "r", "s", 1, OptionalLong.empty(), Map.of("x", Double.NaN)))
        .hasMessage("param 'x' is NaN; only finite numbers fit JSON");
  }
}
