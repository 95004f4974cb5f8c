package dev.tend.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tend.pipelines.NewPipelineRun.NewStep;
import dev.tend.projects.ProjectRepository;
import dev.tend.store.Engine;
import dev.tend.store.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Random sequences of what two processes do to one run (claim, renew, start, finish and retry
 * steps, finish, release) while a fake clock moves, checked against a model of the lease: a fenced
 * call succeeds exactly when its caller holds an unexpired lease, a claim succeeds exactly when the
 * run is due, and every start of a step is a new attempt of a pending step.
 */
class PipelineLeasePropertiesTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final List<String> STEPS = List.of("a", "b", "c");

  /** One thing a process does; {@code pick} chooses among the steps it could apply to. */
  sealed interface Op {
    String owner();
  }

  record ClaimOp(String owner) implements Op {}

  record RenewOp(String owner) implements Op {}

  record StartOp(String owner, int pick) implements Op {}

  record FinishOp(String owner, int pick, boolean ok) implements Op {}

  record RetryOp(String owner, int pick, int backOffSeconds) implements Op {}

  record FinishRunOp(String owner, boolean ok) implements Op {}

  record ReleaseOp(String owner) implements Op {}

  record AdvanceOp(int seconds) implements Op {
    @Override
    public String owner() {
      return "clock";
    }
  }

  private TestDatabase db;
  private PipelineRepository pipelines;
  private String projectId;

  @BeforeProperty
  void open() {
    db = TestDatabase.create(Engine.SQLITE);
    pipelines = PipelineRepository.of(db.database());
    projectId = ProjectRepository.of(db.database()).create("flights", "", "alice").id();
  }

  @AfterProperty
  void close() {
    db.close();
  }

  /** What the model expects of the run's lease. */
  private static final class Model {
    PipelineRunStatus status = PipelineRunStatus.QUEUED;
    Instant notBefore;
    String holder;
    Instant expiresAt;

    boolean holds(String owner, Instant now) {
      return status == PipelineRunStatus.RUNNING && owner.equals(holder) && !now.isAfter(expiresAt);
    }

    boolean due(Instant now) {
      return status == PipelineRunStatus.QUEUED && !notBefore.isAfter(now)
          || status == PipelineRunStatus.RUNNING && now.isAfter(expiresAt);
    }

    void release() {
      holder = null;
      expiresAt = null;
    }
  }

  @Property(tries = 100)
  void leasesFenceEveryChangeAndEachStartIsANewAttempt(@ForAll("histories") List<Op> history) {
    db.database().write(h -> h.execute("DELETE FROM pipeline_runs"));
    String runId =
        pipelines
            .enqueue(
                new NewPipelineRun(
                    projectId,
                    "delays",
                    OptionalInt.empty(),
                    "steps: []",
                    Map.of(),
                    Map.of(),
                    RunTrigger.manual(),
                    Optional.empty(),
                    STEPS.stream().map(s -> new NewStep(s, "command")).toList(),
                    "alice"))
            .id();
    Model model = new Model();
    model.notBefore = now();
    Map<String, Integer> starts = new HashMap<>();

    for (Op op : history) {
      Instant now = now();
      List<StepRun> steps = pipelines.steps(runId);
      boolean holds = model.holds(op.owner(), now);
      switch (op) {
        case AdvanceOp advance -> db.clock().advance(Duration.ofSeconds(advance.seconds()));
        case ClaimOp claim -> {
          boolean due = model.due(now);
          Optional<Claim> got = pipelines.claimNext(claim.owner(), now, LEASE);
          assertThat(got.isPresent())
              .as("claim by %s when due=%s", claim.owner(), due)
              .isEqualTo(due);
          if (got.isPresent()) {
            model.status = PipelineRunStatus.RUNNING;
            model.holder = claim.owner();
            model.expiresAt = now.plus(LEASE);
            assertThat(got.get().steps()).isEqualTo(steps);
          }
        }
        case RenewOp renew -> {
          Optional<PipelineRun> got = pipelines.renew(runId, renew.owner(), now, LEASE);
          assertThat(got.isPresent()).isEqualTo(holds);
          if (holds) {
            model.expiresAt = now.plus(LEASE);
          }
        }
        case StartOp start -> {
          StepRun step = pick(steps, StepStatus.PENDING, start.pick());
          Outcome outcome =
              outcome(
                  () -> {
                    StepRun started = pipelines.startStep(runId, start.owner(), step.stepId(), now);
                    int attempt = starts.merge(step.stepId(), 1, Integer::sum);
                    assertThat(started.attempts()).isEqualTo(attempt);
                    assertThat(started.status()).isEqualTo(StepStatus.RUNNING);
                  });
          expect(outcome, holds, step.status() == StepStatus.PENDING);
        }
        case FinishOp finish -> {
          StepRun step = pick(steps, StepStatus.RUNNING, finish.pick());
          StepResult result =
              new StepResult(
                  finish.ok() ? StepStatus.SUCCEEDED : StepStatus.FAILED,
                  "{}",
                  Optional.empty(),
                  ResourceUse.NONE,
                  Optional.empty());
          Outcome outcome =
              outcome(
                  () -> pipelines.finishStep(runId, finish.owner(), step.stepId(), result, now));
          expect(outcome, holds, step.status() == StepStatus.RUNNING);
        }
        case RetryOp retry -> {
          StepRun step = pick(steps, StepStatus.FAILED, retry.pick());
          Instant notBefore = now.plusSeconds(retry.backOffSeconds());
          Outcome outcome =
              outcome(
                  () ->
                      pipelines.retryStep(runId, retry.owner(), step.stepId(), "retry", notBefore));
          expect(outcome, holds, step.status() == StepStatus.FAILED);
          if (outcome == Outcome.DONE) {
            model.status = PipelineRunStatus.QUEUED;
            model.notBefore = notBefore;
            model.release();
          }
        }
        case FinishRunOp finishRun -> {
          PipelineRunStatus status =
              finishRun.ok() ? PipelineRunStatus.SUCCEEDED : PipelineRunStatus.FAILED;
          Outcome outcome =
              outcome(
                  () ->
                      pipelines.finishRun(runId, finishRun.owner(), status, Optional.empty(), now));
          expect(outcome, holds, true);
          if (outcome == Outcome.DONE) {
            model.status = status;
            model.release();
          }
        }
        case ReleaseOp release -> {
          Outcome outcome = outcome(() -> pipelines.release(runId, release.owner()));
          expect(outcome, holds, true);
          if (outcome == Outcome.DONE) {
            model.status = PipelineRunStatus.QUEUED;
            model.notBefore = now;
            model.release();
          }
        }
      }
      PipelineRun run = pipelines.run(runId).orElseThrow();
      assertThat(run.status()).isEqualTo(model.status);
      assertThat(run.leaseOwner()).isEqualTo(Optional.ofNullable(model.holder));
      assertThat(run.leaseExpiresAt()).isEqualTo(Optional.ofNullable(model.expiresAt));
      for (StepRun step : pipelines.steps(runId)) {
        assertThat(step.attempts()).isEqualTo(starts.getOrDefault(step.stepId(), 0));
      }
    }
  }

  private Instant now() {
    return db.clock().instant();
  }

  private enum Outcome {
    DONE,
    LEASE_LOST,
    WRONG_STATUS
  }

  private static Outcome outcome(Runnable call) {
    try {
      call.run();
      return Outcome.DONE;
    } catch (LeaseLostException e) {
      return Outcome.LEASE_LOST;
    } catch (IllegalStateException e) {
      return Outcome.WRONG_STATUS;
    }
  }

  /* The lease is checked before the step's status. */
  private static void expect(Outcome outcome, boolean holds, boolean statusFits) {
    Outcome expected =
        !holds ? Outcome.LEASE_LOST : statusFits ? Outcome.DONE : Outcome.WRONG_STATUS;
    if (outcome != expected) {
      fail("expected " + expected + " but got " + outcome);
    }
  }

  /* A step in the wanted status if there is one (chosen by pick), otherwise any step. */
  private static StepRun pick(List<StepRun> steps, StepStatus wanted, int pick) {
    List<StepRun> fitting = steps.stream().filter(s -> s.status() == wanted).toList();
    List<StepRun> from = fitting.isEmpty() ? steps : fitting;
    return from.get(pick % from.size());
  }

  @Provide
  Arbitrary<List<Op>> histories() {
    Arbitrary<String> owner = Arbitraries.of("host-a", "host-b");
    Arbitrary<Integer> pick = Arbitraries.integers().between(0, 5);
    Arbitrary<Op> op =
        Arbitraries.frequencyOf(
            Tuple.of(4, owner.map(ClaimOp::new)),
            Tuple.of(2, owner.map(RenewOp::new)),
            Tuple.of(5, Combinators.combine(owner, pick).as(StartOp::new)),
            Tuple.of(
                4,
                Combinators.combine(owner, pick, Arbitraries.of(true, true, false))
                    .as(FinishOp::new)),
            Tuple.of(
                2,
                Combinators.combine(owner, pick, Arbitraries.integers().between(0, 40))
                    .as(RetryOp::new)),
            Tuple.of(
                1, Combinators.combine(owner, Arbitraries.of(true, false)).as(FinishRunOp::new)),
            Tuple.of(1, owner.map(ReleaseOp::new)),
            Tuple.of(4, Arbitraries.integers().between(0, 40).map(AdvanceOp::new)));
    return op.list().ofMinSize(1).ofMaxSize(40);
  }
}
