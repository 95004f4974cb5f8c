package dev.tend.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.pipelines.NewPipelineRun.NewStep;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.store.Database;
import dev.tend.store.Engine;
import dev.tend.store.NotFoundException;
import dev.tend.store.Page;
import dev.tend.store.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Engine.class)
class PipelineRepositoryTest {
  static final String YAML = "version: 1\nname: delays\nsteps: []\n";
  static final Duration LEASE = Duration.ofSeconds(30);
  static final StepResult OK =
      new StepResult(
          StepStatus.SUCCEEDED, "{}", Optional.empty(), ResourceUse.NONE, Optional.empty());

  @Parameter Engine engine;
  TestDatabase db;
  PipelineRepository pipelines;
  Project flights;
  Project other;

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
    pipelines = PipelineRepository.of(db.database());
    ProjectRepository projects = ProjectRepository.of(db.database());
    flights = projects.create("flights", "", "alice");
    other = projects.create("other", "", "alice");
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  Instant now() {
    return db.clock().instant();
  }

  NewPipelineRun newRun(String pipeline, RunTrigger trigger, String... steps) {
    return new NewPipelineRun(
        flights.id(),
        pipeline,
        OptionalInt.empty(),
        YAML,
        Map.of("suite.yaml", "checks: []"),
        Map.of("max_depth", "6"),
        trigger,
        Optional.of("0123abcd"),
        java.util.Arrays.stream(steps).map(s -> new NewStep(s, "command")).toList(),
        "alice");
  }

  NewPipelineRun newRun(String pipeline, String... steps) {
    return newRun(pipeline, RunTrigger.manual(), steps);
  }

  long audited(String action) {
    return db.database()
        .read(
            h ->
                h.createQuery("SELECT count(*) FROM audit_events WHERE action = :action")
                    .bind("action", action)
                    .mapTo(Long.class)
                    .one());
  }

  StepRun step(String runId, String stepId) {
    return pipelines.steps(runId).stream()
        .filter(s -> s.stepId().equals(stepId))
        .findFirst()
        .orElseThrow();
  }

  // ---------------------------------------------------------------- definitions

  @Test
  void applyingNewContentAddsAVersionAndTheSameContentDoesNot() {
    PipelineDefinition first =
        pipelines.apply(flights.id(), "delays", YAML, Map.of("suite.yaml", "a: 1"), "alice");
    db.clock().advance(Duration.ofMinutes(1));
    PipelineDefinition again =
        pipelines.apply(flights.id(), "delays", YAML, Map.of("suite.yaml", "a: 1"), "bob");
    PipelineDefinition second =
        pipelines.apply(flights.id(), "delays", YAML, Map.of("suite.yaml", "a: 2"), "bob");

    assertThat(first.version()).isEqualTo(1);
    assertThat(first.sha256()).hasSize(64);
    assertThat(again).isEqualTo(first);
    assertThat(second.version()).isEqualTo(2);
    assertThat(second.createdBy()).isEqualTo("bob");
    assertThat(pipelines.definition(flights.id(), "delays")).contains(second);
    assertThat(pipelines.definition(flights.id(), "delays", 1)).contains(first);
    assertThat(pipelines.definition(flights.id(), "delays", 3)).isEmpty();
    assertThat(pipelines.definition(other.id(), "delays")).isEmpty();
    assertThat(audited("pipeline.apply")).isEqualTo(2);
  }

  @Test
  void theContentHashSeparatesYamlPathsAndTextsUnambiguously() {
    PipelineDefinition a =
        pipelines.apply(flights.id(), "p", "x", Map.of("b", "cd", "e", "f"), "alice");
    PipelineDefinition b =
        pipelines.apply(flights.id(), "p", "x", Map.of("bc", "d", "e", "f"), "alice");
    PipelineDefinition c = pipelines.apply(flights.id(), "p", "xb", Map.of("cd", "e"), "alice");
    PipelineDefinition sameAsC =
        pipelines.apply(
            flights.id(), "p", "xb", new java.util.TreeMap<>(Map.of("cd", "e")), "alice");

    assertThat(List.of(a.version(), b.version(), c.version(), sameAsC.version()))
        .containsExactly(1, 2, 3, 3);
    assertThat(Set.of(a.sha256(), b.sha256(), c.sha256())).hasSize(3);
    assertThat(JdbiPipelineRepository.contentHash("x", Map.of("b", "cd", "e", "f")))
        .isEqualTo(
            JdbiPipelineRepository.contentHash(
                "x", new java.util.LinkedHashMap<>(Map.of("e", "f", "b", "cd"))));
  }

  @Test
  void listingsShowTheLatestVersionOfEachPipeline() {
    pipelines.apply(flights.id(), "delays", "v: 1", Map.of(), "alice");
    pipelines.apply(flights.id(), "delays", "v: 2", Map.of(), "alice");
    pipelines.apply(flights.id(), "arrivals", "v: 1", Map.of(), "alice");
    pipelines.apply(other.id(), "delays", "v: 1", Map.of(), "alice");

    assertThat(pipelines.definitions(flights.id()))
        .extracting(PipelineDefinition::name, PipelineDefinition::version)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("arrivals", 1),
            org.assertj.core.groups.Tuple.tuple("delays", 2));
    assertThat(pipelines.allDefinitions())
        .extracting(PipelineDefinition::projectId, PipelineDefinition::name)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(flights.id(), "arrivals"),
            org.assertj.core.groups.Tuple.tuple(flights.id(), "delays"),
            org.assertj.core.groups.Tuple.tuple(other.id(), "delays"));
  }

  @Test
  void deletingADefinitionKeepsItsRunsAndNeverReusesItsVersionNumbers() {
    pipelines.apply(flights.id(), "delays", "v: 1", Map.of(), "alice");
    PipelineDefinition v2 = pipelines.apply(flights.id(), "delays", "v: 2", Map.of(), "alice");
    PipelineRun run =
        pipelines.enqueue(
            new NewPipelineRun(
                flights.id(),
                "delays",
                OptionalInt.of(v2.version()),
                v2.yaml(),
                v2.files(),
                Map.of(),
                RunTrigger.manual(),
                Optional.empty(),
                List.of(new NewStep("train", "train")),
                "alice"));
    assertThat(pipelines.moveCursor(flights.id(), "delays", "schedule", Optional.empty(), "t0"))
        .isTrue();

    pipelines.deleteDefinition(flights.id(), "delays", "alice");

    assertThat(pipelines.definition(flights.id(), "delays")).isEmpty();
    assertThat(pipelines.definitions(flights.id())).isEmpty();
    assertThat(pipelines.cursor(flights.id(), "delays", "schedule")).isEmpty();
    assertThat(pipelines.run(run.id())).contains(run);
    assertThatThrownBy(() -> pipelines.deleteDefinition(flights.id(), "delays", "alice"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no pipeline named delays");
    assertThat(pipelines.apply(flights.id(), "delays", "v: 1", Map.of(), "alice").version())
        .isEqualTo(3);
    assertThat(audited("pipeline.delete")).isEqualTo(1);
  }

  @Test
  void concurrentAppliesNumberVersionsWithoutGapsOrDuplicates() throws Exception {
    int threads = 6;
    CountDownLatch start = new CountDownLatch(1);
    List<Integer> versions = Collections.synchronizedList(new ArrayList<>());
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String yaml = "v: " + t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  int first =
                      pipelines.apply(flights.id(), "delays", yaml, Map.of(), "a").version();
                  versions.add(first);
                  return null;
                }));
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  // Every thread applies the same text to this one: a single version.
                  pipelines.apply(flights.id(), "shared", "same", Map.of(), "a");
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(60, TimeUnit.SECONDS);
      }
    }

    assertThat(versions)
        .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, threads).boxed().toList());
    assertThat(pipelines.definition(flights.id(), "shared").orElseThrow().version()).isEqualTo(1);
    assertThat(db.count("pipeline_definitions")).isEqualTo(threads + 1);
  }

  @Test
  void badDefinitionsAreRefusedWithAClearMessage() {
    assertThatThrownBy(() -> pipelines.apply(flights.id(), "Bad Name", YAML, Map.of(), "alice"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pipeline name 'Bad Name'");
    assertThatThrownBy(() -> pipelines.apply(flights.id(), "p", "a\0b", Map.of(), "alice"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NUL");
    assertThatThrownBy(
            () -> pipelines.apply(flights.id(), "p", YAML, Map.of("/etc/passwd", "x"), "alice"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relative");
    assertThatThrownBy(
            () -> pipelines.apply("01J00000000000000000000000", "p", YAML, Map.of(), "a"))
        .isInstanceOf(NotFoundException.class);
    assertThat(db.count("pipelines")).isZero();
  }

  // ---------------------------------------------------------------- runs

  @Test
  void enqueuedRunsKeepTheirSnapshotAndStartWithPendingSteps() {
    PipelineRun run =
        pipelines.enqueue(
            newRun(
                "delays",
                new RunTrigger(
                    RunTrigger.Kind.SCHEDULE, "0 3 * * 1 at 2026-01-05T03:00Z", Optional.of("k1")),
                "validate",
                "train",
                "evaluate"));

    assertThat(run.status()).isEqualTo(PipelineRunStatus.QUEUED);
    assertThat(run.yaml()).isEqualTo(YAML);
    assertThat(run.files()).containsEntry("suite.yaml", "checks: []");
    assertThat(run.params()).containsEntry("max_depth", "6");
    assertThat(run.trigger().kind()).isEqualTo(RunTrigger.Kind.SCHEDULE);
    assertThat(run.trigger().key()).contains("k1");
    assertThat(run.codeVersion()).contains("0123abcd");
    assertThat(run.definitionVersion()).isEmpty();
    assertThat(run.cancelRequested()).isFalse();
    assertThat(run.createdAt()).isEqualTo(now());
    assertThat(run.notBefore()).isEqualTo(now());
    assertThat(run.startedAt()).isEmpty();
    assertThat(run.leaseOwner()).isEmpty();
    assertThat(pipelines.run(run.id())).contains(run);
    assertThat(pipelines.steps(run.id()))
        .extracting(StepRun::stepId, StepRun::position, StepRun::status, StepRun::attempts)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("validate", 0, StepStatus.PENDING, 0),
            org.assertj.core.groups.Tuple.tuple("train", 1, StepStatus.PENDING, 0),
            org.assertj.core.groups.Tuple.tuple("evaluate", 2, StepStatus.PENDING, 0));
    assertThat(pipelines.steps(run.id())).allSatisfy(s -> assertThat(s.outputs()).isEqualTo("{}"));
    assertThat(audited("pipeline.run.enqueue")).isEqualTo(1);
  }

  @Test
  void aTriggerKeyMakesEnqueueingIdempotentPerPipeline() {
    RunTrigger keyed =
        new RunTrigger(RunTrigger.Kind.DATASET, "flights@latest moved", Optional.of("alias-7"));
    PipelineRun first = pipelines.enqueue(newRun("delays", keyed, "train"));
    PipelineRun again = pipelines.enqueue(newRun("delays", keyed, "train"));
    PipelineRun otherPipeline = pipelines.enqueue(newRun("arrivals", keyed, "train"));
    PipelineRun manual1 = pipelines.enqueue(newRun("delays", "train"));
    PipelineRun manual2 = pipelines.enqueue(newRun("delays", "train"));

    assertThat(again).isEqualTo(first);
    assertThat(Set.of(first.id(), otherPipeline.id(), manual1.id(), manual2.id())).hasSize(4);
    assertThat(db.count("pipeline_runs")).isEqualTo(4);
    assertThat(audited("pipeline.run.enqueue")).isEqualTo(4);
  }

  @Test
  void twoThreadsEnqueueingOneTriggerKeyGetOneRun() throws Exception {
    int threads = 8;
    for (int round = 0; round < 5; round++) {
      RunTrigger keyed =
          new RunTrigger(RunTrigger.Kind.SCHEDULE, "tick", Optional.of("tick-" + round));
      CountDownLatch start = new CountDownLatch(1);
      List<Callable<String>> tasks = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        tasks.add(
            () -> {
              start.await();
              return pipelines.enqueue(newRun("delays", keyed, "train")).id();
            });
      }
      Set<String> ids = new HashSet<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
        List<Future<String>> futures = new ArrayList<>();
        for (Callable<String> task : tasks) {
          futures.add(pool.submit(task));
        }
        start.countDown();
        for (Future<String> future : futures) {
          ids.add(future.get(60, TimeUnit.SECONDS));
        }
      }
      assertThat(ids).as("round %d", round).hasSize(1);
    }
    assertThat(db.count("pipeline_runs")).isEqualTo(5);
    assertThat(db.count("pipeline_steps")).isEqualTo(5);
  }

  @Test
  void runsAreListedNewestFirstByPage() {
    List<String> delays = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      delays.add(pipelines.enqueue(newRun("delays", "train")).id());
    }
    String arrivals = pipelines.enqueue(newRun("arrivals", "train")).id();
    Collections.reverse(delays);

    List<String> all = new ArrayList<>();
    Optional<String> cursor = Optional.empty();
    int pages = 0;
    do {
      Page<PipelineRun> page =
          pipelines.runs(flights.id(), Optional.of("delays"), Optional.empty(), 2, cursor);
      page.items().forEach(r -> all.add(r.id()));
      cursor = page.nextCursor();
      pages++;
    } while (cursor.isPresent());

    assertThat(all).isEqualTo(delays);
    assertThat(pages).isEqualTo(3);
    assertThat(
            pipelines
                .runs(flights.id(), Optional.empty(), Optional.empty(), 100, Optional.empty())
                .items())
        .extracting(PipelineRun::id)
        .first()
        .isEqualTo(arrivals);
    assertThat(
            pipelines
                .runs(other.id(), Optional.empty(), Optional.empty(), 100, Optional.empty())
                .items())
        .isEmpty();

    pipelines.requestCancel(delays.get(0), "alice");
    assertThat(
            pipelines
                .runs(
                    flights.id(),
                    Optional.empty(),
                    Optional.of(PipelineRunStatus.CANCELLED),
                    100,
                    Optional.empty())
                .items())
        .extracting(PipelineRun::id)
        .containsExactly(delays.get(0));
    assertThatThrownBy(
            () ->
                pipelines.runs(
                    flights.id(), Optional.empty(), Optional.empty(), 0, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxResults must be between 1 and 1000, got 0");
    assertThatThrownBy(
            () ->
                pipelines.runs(
                    flights.id(), Optional.empty(), Optional.empty(), 1001, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                pipelines.runs(
                    flights.id(), Optional.empty(), Optional.empty(), 10, Optional.of("' OR 1=1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cursor");
  }

  @Test
  void badRunsAreRefusedBeforeAnythingIsWritten() {
    long auditBefore = db.count("audit_events");
    assertThatThrownBy(() -> pipelines.enqueue(newRun("delays", "train", "train")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("step id 'train' appears twice");
    assertThatThrownBy(() -> pipelines.enqueue(newRun("delays", "Train")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step name 'Train'");
    assertThatThrownBy(
            () ->
                pipelines.enqueue(
                    newRun(
                        "delays",
                        new RunTrigger(RunTrigger.Kind.ALERT, "x", Optional.of("k".repeat(256))),
                        "train")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trigger key");
    NewPipelineRun template = newRun("delays", "train");
    assertThatThrownBy(
            () ->
                pipelines.enqueue(
                    new NewPipelineRun(
                        "01J00000000000000000000000",
                        "delays",
                        OptionalInt.empty(),
                        YAML,
                        Map.of(),
                        Map.of(),
                        RunTrigger.manual(),
                        Optional.empty(),
                        template.steps(),
                        "alice")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no project");
    assertThatThrownBy(
            () ->
                pipelines.enqueue(
                    new NewPipelineRun(
                        flights.id(),
                        "delays",
                        OptionalInt.of(4),
                        YAML,
                        Map.of(),
                        Map.of(),
                        RunTrigger.manual(),
                        Optional.empty(),
                        template.steps(),
                        "alice")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("has no version 4");
    assertThatThrownBy(() -> pipelines.run("not-an-id"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a pipeline run id");
    assertThatThrownBy(() -> pipelines.steps("01J00000000000000000000000"))
        .isInstanceOf(NotFoundException.class);
    assertThat(db.count("pipeline_runs")).isZero();
    assertThat(db.count("audit_events")).isEqualTo(auditBefore);
  }

  // ---------------------------------------------------------------- execution

  @Test
  void aRunGoesThroughEveryStepToSucceeded() {
    PipelineRun queued = pipelines.enqueue(newRun("delays", "validate", "train", "evaluate"));
    db.clock().advance(Duration.ofSeconds(5));

    Claim claim = pipelines.claimNext("host-a", now(), LEASE).orElseThrow();
    assertThat(claim.run().id()).isEqualTo(queued.id());
    assertThat(claim.run().status()).isEqualTo(PipelineRunStatus.RUNNING);
    assertThat(claim.run().leaseOwner()).contains("host-a");
    assertThat(claim.run().leaseExpiresAt()).contains(now().plus(LEASE));
    assertThat(claim.run().startedAt()).contains(now());
    assertThat(claim.steps())
        .extracting(StepRun::stepId)
        .containsExactly("validate", "train", "evaluate");
    assertThat(pipelines.claimNext("host-b", now(), LEASE)).isEmpty();

    StepRun started = pipelines.startStep(queued.id(), "host-a", "validate", now());
    assertThat(started.status()).isEqualTo(StepStatus.RUNNING);
    assertThat(started.attempts()).isEqualTo(1);
    assertThat(started.startedAt()).contains(now());
    assertThatThrownBy(() -> pipelines.startStep(queued.id(), "host-a", "validate", now()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("it is RUNNING, not PENDING");
    assertThatThrownBy(() -> pipelines.finishStep(queued.id(), "host-a", "train", OK, now()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("it is PENDING, not RUNNING");
    assertThatThrownBy(
            () ->
                pipelines.finishStep(
                    queued.id(),
                    "host-a",
                    "validate",
                    new StepResult(
                        StepStatus.SUCCEEDED,
                        "[1, 2]",
                        Optional.empty(),
                        ResourceUse.NONE,
                        Optional.empty()),
                    now()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JSON object");
    assertThatThrownBy(() -> pipelines.startStep(queued.id(), "host-a", "deploy", now()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("has no step deploy");

    db.clock().advance(Duration.ofSeconds(2));
    StepRun validated =
        pipelines.finishStep(
            queued.id(),
            "host-a",
            "validate",
            new StepResult(
                StepStatus.SUCCEEDED,
                "{\"report\": \"r.json\"}",
                Optional.empty(),
                new ResourceUse(2000, 1500, 1 << 20),
                Optional.empty()),
            now());
    assertThat(validated.status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(validated.outputs()).isEqualTo("{\"report\": \"r.json\"}");
    assertThat(validated.usage()).isEqualTo(new ResourceUse(2000, 1500, 1 << 20));
    assertThat(validated.finishedAt()).contains(now());

    pipelines.startStep(queued.id(), "host-a", "train", now());
    pipelines.setTrackingRun(queued.id(), "host-a", "0123456789abcdef0123456789abcdef");
    assertThat(pipelines.renew(queued.id(), "host-a", now(), Duration.ofMinutes(2)))
        .hasValueSatisfying(
            r -> assertThat(r.leaseExpiresAt()).contains(now().plus(Duration.ofMinutes(2))));
    StepRun trained =
        pipelines.finishStep(
            queued.id(),
            "host-a",
            "train",
            new StepResult(
                StepStatus.SUCCEEDED,
                "{\"model\": \"runs:/abc/model\"}",
                Optional.empty(),
                ResourceUse.NONE,
                Optional.of("abc")),
            now());
    assertThat(trained.trackingRunId()).contains("abc");
    pipelines.startStep(queued.id(), "host-a", "evaluate", now());
    pipelines.finishStep(queued.id(), "host-a", "evaluate", OK, now());
    db.clock().advance(Duration.ofSeconds(1));
    PipelineRun done =
        pipelines.finishRun(
            queued.id(), "host-a", PipelineRunStatus.SUCCEEDED, Optional.empty(), now());

    assertThat(done.status()).isEqualTo(PipelineRunStatus.SUCCEEDED);
    assertThat(done.finishedAt()).contains(now());
    assertThat(done.leaseOwner()).isEmpty();
    assertThat(done.leaseExpiresAt()).isEmpty();
    assertThat(done.trackingRunId()).contains("0123456789abcdef0123456789abcdef");
    assertThat(pipelines.steps(queued.id()))
        .allSatisfy(
            s -> {
              assertThat(s.status()).isEqualTo(StepStatus.SUCCEEDED);
              assertThat(s.attempts()).isEqualTo(1);
            });
    assertThat(audited("pipeline.run.finish")).isEqualTo(1);
    assertThat(pipelines.claimNext("host-b", now(), LEASE)).isEmpty();
    assertThatThrownBy(
            () ->
                pipelines.finishRun(
                    queued.id(), "host-a", PipelineRunStatus.FAILED, Optional.empty(), now()))
        .isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(
            () ->
                pipelines.finishRun(
                    queued.id(), "host-a", PipelineRunStatus.RUNNING, Optional.empty(), now()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFailedRunSkipsItsPendingStepsAndCancelsOneLeftRunning() {
    PipelineRun run = pipelines.enqueue(newRun("delays", "a", "b", "c"));
    pipelines.claimNext("host-a", now(), LEASE).orElseThrow();
    pipelines.startStep(run.id(), "host-a", "a", now());
    pipelines.finishStep(run.id(), "host-a", "a", OK, now());
    pipelines.startStep(run.id(), "host-a", "b", now());

    PipelineRun failed =
        pipelines.finishRun(
            run.id(), "host-a", PipelineRunStatus.FAILED, Optional.of("out of memory"), now());

    assertThat(failed.reason()).contains("out of memory");
    assertThat(pipelines.steps(run.id()))
        .extracting(StepRun::status)
        .containsExactly(StepStatus.SUCCEEDED, StepStatus.CANCELLED, StepStatus.SKIPPED);
  }

  @Test
  void aStaleOwnerIsFencedOffAndChangesNothing() {
    PipelineRun run = pipelines.enqueue(newRun("delays", "a", "b"));
    pipelines.claimNext("host-a", now(), LEASE).orElseThrow();
    pipelines.startStep(run.id(), "host-a", "a", now());
    pipelines.appendLog(run.id(), "a", "stdout", List.of("working"), now());

    // At the instant the lease expires its owner still holds it and nobody else can claim it.
    db.clock().advance(LEASE);
    assertThat(pipelines.claimNext("host-b", now(), LEASE)).isEmpty();
    assertThat(pipelines.renew(run.id(), "host-a", now(), Duration.ZERO.plusMillis(1))).isPresent();

    // The lease runs out: host-a stalled. Until someone claims the run, it is still fenced off.
    db.clock().advance(Duration.ofMillis(2));
    assertThat(pipelines.renew(run.id(), "host-a", now(), LEASE)).isEmpty();
    assertThatThrownBy(() -> pipelines.finishStep(run.id(), "host-a", "a", OK, now()))
        .isInstanceOf(LeaseLostException.class)
        .hasMessage("process host-a no longer holds the lease of pipeline run " + run.id());

    Claim takeover = pipelines.claimNext("host-b", now(), LEASE).orElseThrow();
    assertThat(takeover.run().id()).isEqualTo(run.id());
    assertThat(takeover.run().leaseOwner()).contains("host-b");
    assertThat(takeover.steps().get(0).status()).isEqualTo(StepStatus.RUNNING);
    assertThat(takeover.steps().get(0).attempts()).isEqualTo(1);

    PipelineRun before = pipelines.run(run.id()).orElseThrow();
    List<StepRun> stepsBefore = pipelines.steps(run.id());
    long auditBefore = db.count("audit_events");
    List<Runnable> staleCalls =
        List.of(
            () -> pipelines.startStep(run.id(), "host-a", "b", now()),
            () -> pipelines.finishStep(run.id(), "host-a", "a", OK, now()),
            () -> pipelines.retryStep(run.id(), "host-a", "a", "retry", now()),
            () ->
                pipelines.finishRun(
                    run.id(), "host-a", PipelineRunStatus.FAILED, Optional.empty(), now()),
            () -> pipelines.setTrackingRun(run.id(), "host-a", "feed"),
            () -> pipelines.release(run.id(), "host-a"));
    for (Runnable call : staleCalls) {
      assertThatThrownBy(call::run).isInstanceOf(LeaseLostException.class);
    }
    assertThat(pipelines.renew(run.id(), "host-a", now(), LEASE)).isEmpty();
    assertThat(pipelines.run(run.id())).contains(before);
    assertThat(pipelines.steps(run.id())).isEqualTo(stepsBefore);
    assertThat(db.count("audit_events")).isEqualTo(auditBefore);

    // The new owner fails the interrupted attempt and retries it.
    pipelines.finishStep(
        run.id(),
        "host-b",
        "a",
        new StepResult(
            StepStatus.FAILED,
            "{}",
            Optional.of("interrupted: host-a lost its lease"),
            ResourceUse.NONE,
            Optional.empty()),
        now());
    pipelines.retryStep(run.id(), "host-b", "a", "retrying a", now());
    Claim again = pipelines.claimNext("host-b", now(), LEASE).orElseThrow();
    assertThat(pipelines.startStep(again.run().id(), "host-b", "a", now()).attempts()).isEqualTo(2);
    assertThatThrownBy(() -> pipelines.startStep(run.id(), "host-a", "b", now()))
        .isInstanceOf(LeaseLostException.class);
  }

  @Test
  void anAbandonedRunIsClaimedBeforeARunThatBecameDueLater() {
    PipelineRun abandoned = pipelines.enqueue(newRun("delays", "a"));
    pipelines.claimNext("host-a", now(), LEASE).orElseThrow();
    db.clock().advance(LEASE.plusSeconds(10));
    PipelineRun fresh = pipelines.enqueue(newRun("delays", "a"));

    assertThat(pipelines.claimNext("host-b", now(), LEASE).map(c -> c.run().id()))
        .contains(abandoned.id());
    assertThat(pipelines.claimNext("host-b", now(), LEASE).map(c -> c.run().id()))
        .contains(fresh.id());
    assertThat(pipelines.claimNext("host-b", now(), LEASE)).isEmpty();
  }

  @Test
  void aRetriedRunWaitsOutItsBackOff() {
    PipelineRun run = pipelines.enqueue(newRun("delays", "train", "evaluate"));
    Instant firstStart = now();
    pipelines.claimNext("host-a", now(), LEASE).orElseThrow();
    pipelines.startStep(run.id(), "host-a", "train", now());
    pipelines.finishStep(
        run.id(),
        "host-a",
        "train",
        new StepResult(
            StepStatus.FAILED,
            "{}",
            Optional.of("exit code 1"),
            ResourceUse.NONE,
            Optional.empty()),
        now());
    Instant notBefore = now().plus(Duration.ofMinutes(1));

    PipelineRun queued =
        pipelines.retryStep(run.id(), "host-a", "train", "train failed; retry 1 of 2", notBefore);

    assertThat(queued.status()).isEqualTo(PipelineRunStatus.QUEUED);
    assertThat(queued.notBefore()).isEqualTo(notBefore);
    assertThat(queued.reason()).contains("train failed; retry 1 of 2");
    assertThat(queued.leaseOwner()).isEmpty();
    StepRun train = step(run.id(), "train");
    assertThat(train.status()).isEqualTo(StepStatus.PENDING);
    assertThat(train.attempts()).isEqualTo(1);
    assertThat(train.reason()).contains("exit code 1");
    assertThatThrownBy(() -> pipelines.startStep(run.id(), "host-a", "train", now()))
        .isInstanceOf(LeaseLostException.class);

    assertThat(pipelines.claimNext("host-a", now(), LEASE)).isEmpty();
    db.clock().advance(Duration.ofSeconds(59));
    assertThat(pipelines.claimNext("host-a", now(), LEASE)).isEmpty();
    db.clock().advance(Duration.ofSeconds(1));
    Claim claim = pipelines.claimNext("host-b", now(), LEASE).orElseThrow();
    assertThat(claim.run().startedAt()).contains(firstStart);
    assertThat(pipelines.startStep(run.id(), "host-b", "train", now()).attempts()).isEqualTo(2);
    assertThatThrownBy(() -> pipelines.retryStep(run.id(), "host-b", "train", "x", now()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("it is RUNNING, not FAILED");
  }

  @Test
  void releasedRunsAreDueAtOnce() {
    PipelineRun run = pipelines.enqueue(newRun("delays", "a"));
    pipelines.claimNext("host-a", now(), LEASE).orElseThrow();

    pipelines.release(run.id(), "host-a");

    assertThat(pipelines.run(run.id()).orElseThrow().status()).isEqualTo(PipelineRunStatus.QUEUED);
    assertThat(pipelines.claimNext("host-b", now(), LEASE).map(c -> c.run().leaseOwner()))
        .contains(Optional.of("host-b"));
  }

  @Test
  void cancellingActsOnEachStatus() {
    PipelineRun queued = pipelines.enqueue(newRun("queued", "a", "b"));
    PipelineRun running = pipelines.enqueue(newRun("running", "a", "b"));
    PipelineRun finished = pipelines.enqueue(newRun("finished", "a"));
    db.clock().advance(Duration.ofSeconds(1));
    // Claim order is by due time then id: queued, running, finished were enqueued in that order.
    pipelines.requestCancel(queued.id(), "bob");
    pipelines.claimNext("host-a", now(), LEASE).orElseThrow();
    Claim fin = pipelines.claimNext("host-a", now(), LEASE).orElseThrow();
    assertThat(fin.run().id()).isEqualTo(finished.id());
    pipelines.finishRun(
        finished.id(), "host-a", PipelineRunStatus.SUCCEEDED, Optional.empty(), now());
    pipelines.startStep(running.id(), "host-a", "a", now());
    long auditBefore = audited("pipeline.run.cancel");

    PipelineRun cancelledQueued = pipelines.run(queued.id()).orElseThrow();
    PipelineRun flagged = pipelines.requestCancel(running.id(), "bob");
    PipelineRun flaggedAgain = pipelines.requestCancel(running.id(), "bob");
    PipelineRun unchanged = pipelines.requestCancel(finished.id(), "bob");

    assertThat(cancelledQueued.status()).isEqualTo(PipelineRunStatus.CANCELLED);
    assertThat(cancelledQueued.finishedAt()).isPresent();
    assertThat(cancelledQueued.reason().orElseThrow()).contains("bob");
    assertThat(pipelines.steps(queued.id()))
        .extracting(StepRun::status)
        .containsOnly(StepStatus.SKIPPED);
    assertThat(flagged.status()).isEqualTo(PipelineRunStatus.RUNNING);
    assertThat(flagged.cancelRequested()).isTrue();
    assertThat(flaggedAgain).isEqualTo(flagged);
    assertThat(unchanged).isEqualTo(pipelines.run(finished.id()).orElseThrow());
    assertThat(unchanged.status()).isEqualTo(PipelineRunStatus.SUCCEEDED);
    assertThat(audited("pipeline.run.cancel")).isEqualTo(auditBefore + 1);

    // The owner sees the request when it renews, stops the step and ends the run.
    assertThat(
            pipelines.renew(running.id(), "host-a", now(), LEASE).orElseThrow().cancelRequested())
        .isTrue();
    pipelines.finishStep(
        running.id(),
        "host-a",
        "a",
        new StepResult(
            StepStatus.CANCELLED,
            "{}",
            Optional.of("cancelled"),
            ResourceUse.NONE,
            Optional.empty()),
        now());
    PipelineRun ended =
        pipelines.finishRun(
            running.id(),
            "host-a",
            PipelineRunStatus.CANCELLED,
            Optional.of("cancelled by bob"),
            now());
    assertThat(ended.status()).isEqualTo(PipelineRunStatus.CANCELLED);
    assertThat(pipelines.steps(running.id()))
        .extracting(StepRun::status)
        .containsExactly(StepStatus.CANCELLED, StepStatus.SKIPPED);
    assertThat(pipelines.claimNext("host-b", now().plus(Duration.ofDays(1)), LEASE)).isEmpty();
    assertThatThrownBy(() -> pipelines.requestCancel("01J00000000000000000000000", "bob"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void onlyOneOfManyConcurrentClaimsWinsARun() throws Exception {
    for (int round = 0; round < 5; round++) {
      PipelineRun run = pipelines.enqueue(newRun("delays", "a"));
      int threads = 8;
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Optional<Claim>>> futures = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
        for (int t = 0; t < threads; t++) {
          String owner = "host-" + t;
          futures.add(
              pool.submit(
                  () -> {
                    start.await();
                    return pipelines.claimNext(owner, now(), LEASE);
                  }));
        }
        start.countDown();
        List<Claim> won = new ArrayList<>();
        for (Future<Optional<Claim>> future : futures) {
          future.get(60, TimeUnit.SECONDS).ifPresent(won::add);
        }
        assertThat(won).hasSize(1);
        String owner = won.get(0).run().leaseOwner().orElseThrow();
        assertThat(pipelines.run(run.id()).orElseThrow().leaseOwner()).contains(owner);
        pipelines.finishRun(run.id(), owner, PipelineRunStatus.SUCCEEDED, Optional.empty(), now());
      }
    }
  }

  /*
   * Several workers, each with its own connection pool as separate server processes would have,
   * drain a queue of runs. The clock stands still, so no lease expires: every step attempt must be
   * started exactly once and every run succeed.
   */
  @Test
  void concurrentWorkersStartEveryStepExactlyOnce() throws Exception {
    int runs = 50;
    int workers = 4;
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      ids.add(pipelines.enqueue(newRun("delays", "validate", "train", "evaluate")).id());
    }
    Map<String, String> startedBy = new ConcurrentHashMap<>();
    AtomicInteger duplicateStarts = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    List<Database> databases = new ArrayList<>();
    try {
      for (int w = 0; w < workers; w++) {
        databases.add(Database.open(db.url(), db.clock()));
      }
      try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
        List<Future<Integer>> futures = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
          PipelineRepository repository = PipelineRepository.of(databases.get(w));
          String owner = "worker-" + w;
          futures.add(
              pool.submit(
                  () -> {
                    int done = 0;
                    while (finished.get() < runs) {
                      Optional<Claim> claim = repository.claimNext(owner, now(), LEASE);
                      if (claim.isEmpty()) {
                        Thread.sleep(2);
                        continue;
                      }
                      String runId = claim.get().run().id();
                      for (StepRun step : claim.get().steps()) {
                        assertThat(step.status()).isEqualTo(StepStatus.PENDING);
                        repository.startStep(runId, owner, step.stepId(), now());
                        if (startedBy.putIfAbsent(runId + "/" + step.stepId(), owner) != null) {
                          duplicateStarts.incrementAndGet();
                        }
                        repository.finishStep(runId, owner, step.stepId(), OK, now());
                      }
                      repository.finishRun(
                          runId, owner, PipelineRunStatus.SUCCEEDED, Optional.empty(), now());
                      finished.incrementAndGet();
                      done++;
                    }
                    return done;
                  }));
        }
        int total = 0;
        for (Future<Integer> future : futures) {
          total += future.get(5, TimeUnit.MINUTES);
        }
        assertThat(total).isEqualTo(runs);
      }
    } finally {
      databases.forEach(Database::close);
    }

    assertThat(duplicateStarts).hasValue(0);
    assertThat(startedBy).hasSize(runs * 3);
    for (String id : ids) {
      assertThat(pipelines.run(id).orElseThrow().status()).isEqualTo(PipelineRunStatus.SUCCEEDED);
      assertThat(pipelines.steps(id))
          .allSatisfy(
              s -> {
                assertThat(s.status()).isEqualTo(StepStatus.SUCCEEDED);
                assertThat(s.attempts()).isEqualTo(1);
              });
    }
  }

  // ---------------------------------------------------------------- logs

  @Test
  void logsAreFollowedBySequenceNumber() {
    PipelineRun run = pipelines.enqueue(newRun("delays", "a", "b"));
    pipelines.appendLog(run.id(), "a", "stdout", List.of("one", "two"), now());
    pipelines.appendLog(run.id(), "b", "stderr", List.of("three"), now());
    pipelines.appendLog(run.id(), "a", "tend", List.of("four", "five"), now());
    pipelines.appendLog(run.id(), "a", "stdout", List.of(), now());

    List<LogLine> all = pipelines.logs(run.id(), Optional.empty(), 0, 100);
    assertThat(all).extracting(LogLine::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(all)
        .extracting(LogLine::text)
        .containsExactly("one", "two", "three", "four", "five");
    assertThat(all.get(2).stream()).isEqualTo("stderr");
    assertThat(all.get(2).stepId()).isEqualTo("b");
    assertThat(pipelines.logs(run.id(), Optional.empty(), 2, 2))
        .extracting(LogLine::text)
        .containsExactly("three", "four");
    assertThat(pipelines.logs(run.id(), Optional.of("a"), 1, 100))
        .extracting(LogLine::seq)
        .containsExactly(2L, 4L, 5L);
    assertThat(pipelines.logs(run.id(), Optional.empty(), 5, 100)).isEmpty();

    assertThatThrownBy(() -> pipelines.appendLog(run.id(), "a", "syslog", List.of("x"), now()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stdout, stderr or tend");
    assertThatThrownBy(() -> pipelines.appendLog(run.id(), "zz", "stdout", List.of("x"), now()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("has no step zz");
    assertThatThrownBy(
            () ->
                pipelines.appendLog(
                    "01J00000000000000000000000", "a", "stdout", List.of("x"), now()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> pipelines.logs(run.id(), Optional.empty(), 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void longLinesAreCutAndNulIsReplaced() {
    PipelineRun run = pipelines.enqueue(newRun("delays", "a"));
    String tooLong = "x".repeat(PipelineRepository.MAX_LOG_LINE_LENGTH - 2) + "\uD83D\uDE00yz";
    String exact = "y".repeat(PipelineRepository.MAX_LOG_LINE_LENGTH);

    pipelines.appendLog(run.id(), "a", "stdout", List.of(tooLong, exact, "nul\0here"), now());

    List<LogLine> lines = pipelines.logs(run.id(), Optional.empty(), 0, 10);
    assertThat(lines.get(0).text())
        .hasSize(PipelineRepository.MAX_LOG_LINE_LENGTH - 1)
        .endsWith("x\u2026");
    assertThat(lines.get(1).text()).isEqualTo(exact);
    assertThat(lines.get(2).text()).isEqualTo("nul\uFFFDhere");
  }

  @Test
  void linesPastThePerStepLimitAreOnlyCounted() {
    PipelineRun run = pipelines.enqueue(newRun("delays", "a", "b"));
    int limit = PipelineRepository.MAX_LOG_LINES_PER_STEP;
    List<String> bulk = IntStream.range(0, limit - 2).mapToObj(i -> "line " + i).toList();

    pipelines.appendLog(run.id(), "a", "stdout", bulk, now());
    pipelines.appendLog(
        run.id(), "a", "stdout", List.of("kept 1", "kept 2", "lost 1", "lost 2"), now());
    pipelines.appendLog(run.id(), "a", "stderr", List.of("lost 3"), now());
    pipelines.appendLog(run.id(), "b", "stdout", List.of("other step"), now());

    assertThat(step(run.id(), "a").droppedLogLines()).isEqualTo(3);
    assertThat(step(run.id(), "b").droppedLogLines()).isZero();
    assertThat(db.count("pipeline_logs")).isEqualTo(limit + 1);
    List<LogLine> tail = pipelines.logs(run.id(), Optional.empty(), limit - 3, 10);
    assertThat(tail)
        .extracting(LogLine::text)
        .containsExactly("line " + (limit - 3), "kept 1", "kept 2", "other step");
    assertThat(tail)
        .extracting(LogLine::seq)
        .containsExactly((long) limit - 2, (long) limit - 1, (long) limit, (long) limit + 1);
  }

  @Test
  void concurrentAppendersGetDistinctConsecutiveSequenceNumbers() throws Exception {
    PipelineRun run = pipelines.enqueue(newRun("delays", "a", "b", "c", "d"));
    int threads = 4;
    int batches = 25;
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> futures = new ArrayList<>();
      for (String stepId : List.of("a", "b", "c", "d")) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < batches; i++) {
                    List<String> lines = new ArrayList<>();
                    for (int j = 0; j < 10; j++) {
                      lines.add(stepId + " " + i + " " + j);
                    }
                    pipelines.appendLog(run.id(), stepId, "stdout", lines, now());
                  }
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get(2, TimeUnit.MINUTES);
      }
    }

    List<LogLine> lines = pipelines.logs(run.id(), Optional.empty(), 0, 2000);
    assertThat(lines)
        .extracting(LogLine::seq)
        .isEqualTo(
            IntStream.rangeClosed(1, threads * batches * 10).mapToObj(i -> (long) i).toList());
    for (String stepId : List.of("a", "b", "c", "d")) {
      // Each appender's lines keep their order.
      assertThat(pipelines.logs(run.id(), Optional.of(stepId), 0, 2000))
          .extracting(LogLine::text)
          .isEqualTo(
              IntStream.range(0, batches * 10)
                  .mapToObj(k -> stepId + " " + k / 10 + " " + k % 10)
                  .toList());
    }
  }

  // ---------------------------------------------------------------- cursors

  @Test
  void triggerCursorsMoveByCompareAndSet() {
    assertThat(pipelines.cursor(flights.id(), "delays", "schedule")).isEmpty();
    assertThat(pipelines.moveCursor(flights.id(), "delays", "schedule", Optional.empty(), "t1"))
        .isTrue();
    assertThat(pipelines.moveCursor(flights.id(), "delays", "schedule", Optional.empty(), "t9"))
        .isFalse();
    assertThat(pipelines.moveCursor(flights.id(), "delays", "schedule", Optional.of("t0"), "t9"))
        .isFalse();
    assertThat(pipelines.cursor(flights.id(), "delays", "schedule")).contains("t1");
    assertThat(pipelines.moveCursor(flights.id(), "delays", "schedule", Optional.of("t1"), "t2"))
        .isTrue();
    assertThat(
            pipelines.moveCursor(flights.id(), "delays", "dataset:flights", Optional.empty(), "a7"))
        .isTrue();

    assertThat(pipelines.cursor(flights.id(), "delays", "schedule")).contains("t2");
    assertThat(pipelines.cursor(flights.id(), "delays", "dataset:flights")).contains("a7");
    assertThat(pipelines.cursor(other.id(), "delays", "schedule")).isEmpty();
    assertThatThrownBy(
            () ->
                pipelines.moveCursor(
                    "01J00000000000000000000000", "delays", "schedule", Optional.empty(), "t"))
        .isInstanceOf(NotFoundException.class);
  }
}
