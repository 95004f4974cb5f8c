package dev.tend.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.store.Engine;
import dev.tend.store.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code tend server} processes on one PostgreSQL database, each with its own data dir but
 * the same artifacts dir, share the pipeline queue: every queued run is executed by exactly one of
 * them, step by step exactly once, and when one is killed with SIGKILL mid-step the other takes its
 * runs over after their lease expires and finishes them, re-running only the interrupted steps.
 * Each step's command appends its run, step and the pid of the server JVM it runs under (found by
 * walking its parents in /proc: the command's environment holds nothing of the server's) to a
 * shared file.
 */
class PipelineReplicasIT {
  static final String PROJECT = "replicas";
  static final String LEASE = "3s";
  static final int WORKERS = 2;

  @TempDir Path dir;
  TestDatabase postgres;
  final List<ServerProcess> servers = new ArrayList<>();
  Path executions;
  Map<String, String> environment;

  @BeforeEach
  void startTwoServers() throws Exception {
    postgres = TestDatabase.create(Engine.POSTGRESQL);
    executions = dir.resolve("executions.txt");
    Files.createFile(executions);
    for (String name : List.of("a", "b")) {
      servers.add(
          ServerProcess.start(
              new ServerProcess.Options(
                  dir.resolve(name),
                  Optional.of(postgres.url()),
                  Optional.empty(),
                  dir.resolve("scratch-" + name),
                  Map.of(
                      "TEND_ARTIFACTS_DIR",
                      dir.resolve("artifacts").toString(),
                      "TEND_PIPELINES_LEASE",
                      LEASE,
                      "TEND_PIPELINES_WORKERS",
                      Integer.toString(WORKERS)))));
    }
    environment =
        Map.of(
            "TEND_URL",
            servers.getFirst().uri().toString(),
            "TEND_TOKEN",
            servers.getFirst().adminToken().orElseThrow(),
            "TEND_PROJECT",
            PROJECT);
    succeeds(cli("project", "create", PROJECT));
  }

  @AfterEach
  void stop() {
    try {
      servers.forEach(ServerProcess::close);
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  @Test
  void twoServersShareTheQueueAndRunEachStepOnce() throws Exception {
    List<String> runs = queue(pipeline("shared", ""), 16);

    Map<String, JsonNode> ended = awaitAll(runs, Duration.ofSeconds(150));

    for (JsonNode run : ended.values()) {
      assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("succeeded");
      assertThat(run.get("steps").findValuesAsText("status")).containsOnly("succeeded");
      assertThat(run.get("steps").findValues("attempts"))
          .allSatisfy(a -> assertThat(a.asInt()).isEqualTo(1));
    }
    List<Execution> lines = executions();
    assertThat(counts(lines).values()).as("executions of each (run, step)").containsOnly(1L);
    assertThat(counts(lines).keySet()).isEqualTo(expectedSteps(runs));
    Set<Long> pids = lines.stream().map(Execution::serverPid).collect(Collectors.toSet());
    System.out.println("steps run per server pid: " + perServer(lines));
    assertThat(pids)
        .as("the server JVMs that ran steps")
        .containsExactlyInAnyOrder(servers.get(0).pid(), servers.get(1).pid());
  }

  @Test
  void theSurvivorOfAKillFinishesEveryRunAndRepeatsOnlyTheInterruptedSteps() throws Exception {
    List<String> runs = queue(pipeline("survived", "retry_backoff: 1s\n"), 12);
    ServerProcess victim = servers.get(0);
    ServerProcess survivor = servers.get(1);
    // Kill the victim right after one of its commands wrote its line: that step is then still
    // running (it sleeps 0.3 s), so at least one step is interrupted for sure.
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    long seen = 0;
    boolean killed = false;
    while (!killed && System.nanoTime() < deadline) {
      List<Execution> lines = executions();
      long byVictim = lines.stream().filter(e -> e.serverPid() == victim.pid()).count();
      if (lines.size() >= 4 && byVictim > seen && seen > 0) {
        victim.kill();
        killed = true;
      }
      seen = Math.max(seen, byVictim);
      Thread.sleep(10);
    }
    assertThat(killed).as("the victim ran a second step within 120 s").isTrue();
    int beforeKill = executions().size();
    assertThat(beforeKill)
        .as("steps run before the kill, of %d", 3 * runs.size())
        .isLessThan(3 * runs.size());

    environment = new HashMap<>(environment);
    environment.put("TEND_URL", survivor.uri().toString());
    Map<String, JsonNode> ended = awaitAll(runs, Duration.ofSeconds(120));

    Map<String, Integer> attempts = new LinkedHashMap<>();
    for (JsonNode run : ended.values()) {
      assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("succeeded");
      for (JsonNode step : run.get("steps")) {
        assertThat(step.get("status").asText()).isEqualTo("succeeded");
        attempts.put(
            run.get("id").asText() + " " + step.get("id").asText(), step.get("attempts").asInt());
      }
    }
    System.out.printf(
        "kill after %d of %d steps; steps per server pid: %s; steps with 2 attempts: %s%n",
        beforeKill,
        3 * runs.size(),
        perServer(executions()),
        attempts.entrySet().stream()
            .filter(a -> a.getValue() == 2)
            .map(Map.Entry::getKey)
            .toList());
    assertThat(attempts.values()).as("attempts of each step").isSubsetOf(1, 2).contains(2);
    List<Execution> lines = executions();
    Map<String, Long> counts = counts(lines);
    assertThat(counts.keySet()).isEqualTo(expectedSteps(runs));
    for (Map.Entry<String, Long> count : counts.entrySet()) {
      long expectedAtMost = attempts.get(count.getKey());
      assertThat(count.getValue())
          .as("executions of %s, which took %d attempt(s)", count.getKey(), expectedAtMost)
          .isBetween(1L, expectedAtMost);
      if (expectedAtMost == 1) {
        assertThat(count.getValue()).isEqualTo(1L);
      }
    }
    assertThat(lines.subList(beforeKill, lines.size()))
        .as("steps run after the kill")
        .anySatisfy(e -> assertThat(e.serverPid()).isEqualTo(survivor.pid()));
    assertThat(
            cli("pipeline", "runs", "survived", "--status", "running", "--format", "json")
                .json()
                .get("items"))
        .isEmpty();
  }

  /* A pipeline of three command steps in a row; each appends its line, then sleeps 0.3 s. */
  private Path pipeline(String name, String options) throws Exception {
    // The pid of the first java among the command's ancestors: setsid may or may not fork.
    String script =
        "p=$$; while [ \\\"$p\\\" -gt 1 ] && [ \\\"$(cat /proc/$p/comm)\\\" != java ]; do"
            + " p=$(sed -n 's/^PPid:[[:space:]]*//p' /proc/$p/status); done;"
            + " echo \\\"$TEND_RUN_ID $TEND_STEP_ID $p\\\" >> "
            + executions
            + "; sleep 0.3";
    StringBuilder yaml =
        new StringBuilder("version: 1\nname: " + name + "\n" + options + "steps:\n");
    for (int i = 1; i <= 3; i++) {
      yaml.append("  - id: step").append(i).append("\n    kind: command\n");
      if (i > 1) {
        yaml.append("    needs: [step").append(i - 1).append("]\n");
      }
      yaml.append("    argv: [/bin/sh, -c, \"").append(script).append("\"]\n");
    }
    Path folder = Files.createDirectories(dir.resolve("pipelines").resolve(name));
    return Files.writeString(folder.resolve("pipeline.yaml"), yaml.toString());
  }

  private List<String> queue(Path pipeline, int count) {
    String name = pipeline.getParent().getFileName().toString();
    succeeds(cli("pipeline", "apply", pipeline));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(succeeds(cli("pipeline", "run", name, "--format", "json")).json().get("id").asText());
    }
    return ids;
  }

  /* Polls until every run has ended; returns each as shown with its steps. */
  private Map<String, JsonNode> awaitAll(List<String> runs, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    Map<String, JsonNode> ended = new LinkedHashMap<>();
    while (System.nanoTime() < deadline) {
      for (String id : runs) {
        if (!ended.containsKey(id)) {
          JsonNode run = succeeds(cli("pipeline", "show", id, "--format", "json")).json();
          String status = run.get("status").asText();
          if (!status.equals("queued") && !status.equals("running")) {
            ended.put(id, run);
          }
        }
      }
      if (ended.size() == runs.size()) {
        return ended;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        (runs.size() - ended.size())
            + " of "
            + runs.size()
            + " runs did not end within "
            + limit
            + "; servers said:\n"
            + servers.stream().map(ServerProcess::output).collect(Collectors.joining("\n---\n")));
  }

  record Execution(String run, String step, long serverPid) {
    String key() {
      return run + " " + step;
    }
  }

  private List<Execution> executions() throws Exception {
    List<Execution> lines = new ArrayList<>();
    for (String line : Files.readAllLines(executions, StandardCharsets.UTF_8)) {
      String[] parts = line.split(" ");
      // A line being appended right now may be incomplete.
      if (parts.length == 3 && line.matches("\\S+ step[1-3] [0-9]+")) {
        lines.add(new Execution(parts[0], parts[1], Long.parseLong(parts[2])));
      }
    }
    return lines;
  }

  private static Map<String, Long> counts(List<Execution> lines) {
    return lines.stream()
        .collect(Collectors.groupingBy(Execution::key, TreeMap::new, Collectors.counting()));
  }

  private static Map<Long, Long> perServer(List<Execution> lines) {
    return lines.stream()
        .collect(Collectors.groupingBy(Execution::serverPid, TreeMap::new, Collectors.counting()));
  }

  private static Set<String> expectedSteps(List<String> runs) {
    Set<String> keys = new TreeSet<>();
    for (String run : runs) {
      for (int i = 1; i <= 3; i++) {
        keys.add(run + " step" + i);
      }
    }
    return keys;
  }

  private Cli.Result cli(Object... args) {
    return Cli.runWith(environment, args);
  }

  private static Cli.Result succeeds(Cli.Result result) {
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result;
  }
}
