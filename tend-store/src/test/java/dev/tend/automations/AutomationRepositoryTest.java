package dev.tend.automations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.automations.AutomationRepository.Guardrails;
import dev.tend.automations.AutomationRepository.PutResult;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.store.Engine;
import dev.tend.store.NotFoundException;
import dev.tend.store.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Policies, guardrails, compare-and-set on actions and the audit trail on SQLite and PostgreSQL.
 */
@ParameterizedClass
@EnumSource(Engine.class)
class AutomationRepositoryTest {
  static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  static final Guardrails HOURLY = new Guardrails(Duration.ofHours(1), 3);

  @Parameter Engine engine;
  TestDatabase db;
  AutomationRepository repository;
  Project shop;
  StoredPolicy policy;

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
    repository = AutomationRepository.of(db.database());
    shop = ProjectRepository.of(db.database()).create("shop", "", "alice");
    policy =
        repository
            .putPolicy(
                shop.id(), "retrain", "name: retrain\n", "yaml", "{}", "delays-prod", "alice")
            .policy();
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  static ActionTrigger manual() {
    return ActionTrigger.manual("alice", "by hand");
  }

  @Test
  void policiesAreVersionedPerNameAndTheSameTextChangesNothing() {
    assertThat(policy.version()).isEqualTo(1);
    AutomationRepository.Put same =
        repository.putPolicy(
            shop.id(), "retrain", "name: retrain\n", "yaml", "{}", "delays-prod", "bob");
    assertThat(same.result()).isEqualTo(PutResult.UNCHANGED);
    AutomationRepository.Put changed =
        repository.putPolicy(
            shop.id(), "retrain", "name: retrain\n# v2\n", "yaml", "{}", "delays-dev", "bob");
    assertThat(changed.result()).isEqualTo(PutResult.UPDATED);
    assertThat(changed.policy().version()).isEqualTo(2);
    assertThat(changed.policy().deployment()).isEqualTo("delays-dev");
    assertThat(changed.policy().createdBy()).isEqualTo("alice");
    assertThat(changed.policy().updatedBy()).isEqualTo("bob");
    assertThat(repository.policies(shop.id()))
        .extracting(StoredPolicy::name)
        .containsExactly("retrain");

    repository.deletePolicy(shop.id(), "retrain", "bob");
    assertThat(repository.policy(shop.id(), "retrain")).isEmpty();
    assertThatThrownBy(() -> repository.deletePolicy(shop.id(), "retrain", "bob"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void guardrailsSkipWhileOpenWithinTheCooldownAndOverTheDailyCap() {
    Action first = repository.start(policy, manual(), HOURLY, T0);
    assertThat(first.state()).isEqualTo(ActionState.QUEUED);
    assertThat(first.finishedAt()).isEmpty();

    Action open = repository.start(policy, manual(), HOURLY, T0.plusSeconds(1));
    assertThat(open.state()).isEqualTo(ActionState.SKIPPED);
    assertThat(open.reason()).hasValueSatisfying(r -> assertThat(r).contains("still open"));
    assertThat(open.finishedAt()).contains(T0.plusSeconds(1));

    finish(first, T0.plusSeconds(60));
    Action cooling = repository.start(policy, manual(), HOURLY, T0.plus(Duration.ofMinutes(59)));
    assertThat(cooling.state()).isEqualTo(ActionState.SKIPPED);
    assertThat(cooling.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("cooldown"));

    /* Skipped actions do not count: the second real one starts once the hour is over. */
    Action second = repository.start(policy, manual(), HOURLY, T0.plus(Duration.ofMinutes(61)));
    assertThat(second.state()).isEqualTo(ActionState.QUEUED);
    finish(second, T0.plus(Duration.ofMinutes(62)));

    Guardrails twice = new Guardrails(Duration.ZERO, 2);
    Action capped = repository.start(policy, manual(), twice, T0.plus(Duration.ofMinutes(63)));
    assertThat(capped.state()).isEqualTo(ActionState.SKIPPED);
    assertThat(capped.reason()).hasValueSatisfying(r -> assertThat(r).startsWith("daily cap: 2"));
    /* A new UTC day. */
    Action tomorrow =
        repository.start(policy, manual(), twice, Instant.parse("2026-11-21T00:00:01Z"));
    assertThat(tomorrow.state()).isEqualTo(ActionState.QUEUED);
  }

  @Test
  void anAdvanceIsACompareAndSetAndEachStepIsAudited() {
    Action queued = repository.start(policy, manual(), HOURLY, T0);
    Optional<Action> training =
        repository.advance(
            queued,
            ActionChange.to(
                    ActionState.TRAINING, "training", "automation:retrain", "{\"run\":\"r1\"}")
                .withRun("01ARZ3NDEKTSV4RRFFQ69G5FAV")
                .withChampion("01ARZ3NDEKTSV4RRFFQ69G5FAW"),
            T0.plusSeconds(5));
    assertThat(training).isPresent();
    assertThat(training.get().state()).isEqualTo(ActionState.TRAINING);
    assertThat(training.get().stateSince()).isEqualTo(T0.plusSeconds(5));
    assertThat(training.get().pipelineRunId()).contains("01ARZ3NDEKTSV4RRFFQ69G5FAV");

    /* The stale copy loses: another server advanced the action first. */
    assertThat(
            repository.advance(
                queued,
                ActionChange.to(ActionState.FAILED, "failed", "automation:retrain", "{}"),
                T0.plusSeconds(6)))
        .isEmpty();

    Action gating =
        repository
            .advance(
                training.get(),
                ActionChange.to(ActionState.GATING, "gating", "automation:retrain", "{}")
                    .withChallenger("01ARZ3NDEKTSV4RRFFQ69G5FAX"),
                T0.plusSeconds(9))
            .orElseThrow();
    /* Earlier findings are kept when a change does not name them. */
    assertThat(gating.pipelineRunId()).contains("01ARZ3NDEKTSV4RRFFQ69G5FAV");
    assertThat(gating.championVersionId()).contains("01ARZ3NDEKTSV4RRFFQ69G5FAW");
    Action canary =
        repository
            .advance(
                gating,
                ActionChange.to(ActionState.CANARY, "canary-started", "automation:retrain", "{}")
                    .withGate("{\"passed\":true}")
                    .withRevision(7),
                T0.plusSeconds(12))
            .orElseThrow();
    assertThat(canary.rolloutRevision()).hasValue(7);
    Action promoted =
        repository
            .advance(
                canary,
                ActionChange.to(ActionState.PROMOTED, "promoted", "automation:retrain", "{}")
                    .withReason("baked"),
                T0.plusSeconds(30))
            .orElseThrow();
    assertThat(promoted.finishedAt()).contains(T0.plusSeconds(30));
    assertThat(promoted.gateJson()).contains("{\"passed\":true}");
    /* A finished action does not move again. */
    assertThat(
            repository.advance(
                promoted,
                ActionChange.to(ActionState.FAILED, "failed", "automation:retrain", "{}"),
                T0.plusSeconds(31)))
        .isEmpty();

    List<AuditEntry> audit = repository.audit(queued.id());
    assertThat(audit).extracting(AuditEntry::seq).containsExactly(1, 2, 3, 4, 5);
    assertThat(audit)
        .extracting(AuditEntry::kind)
        .containsExactly("queued", "training", "gating", "canary-started", "promoted");
    assertThat(audit.getFirst().actor()).isEqualTo("alice");
    assertThat(audit.get(1).detailJson()).isEqualTo("{\"run\":\"r1\"}");
    assertThat(repository.openActions()).isEmpty();
  }

  @Test
  void twoServersAdvancingOneActionAtOnceMoveItOnce() throws Exception {
    Action queued = repository.start(policy, manual(), HOURLY, T0);
    int servers = 4;
    CyclicBarrier barrier = new CyclicBarrier(servers);
    ExecutorService pool = Executors.newFixedThreadPool(servers);
    try {
      List<Future<Optional<Action>>> results = new ArrayList<>();
      for (int i = 0; i < servers; i++) {
        String who = "server-" + i;
        results.add(
            pool.submit(
                () -> {
                  barrier.await(10, TimeUnit.SECONDS);
                  return repository.advance(
                      queued,
                      ActionChange.to(ActionState.TRAINING, "training", who, "{}"),
                      T0.plusSeconds(1));
                }));
      }
      int won = 0;
      for (Future<Optional<Action>> result : results) {
        won += result.get(30, TimeUnit.SECONDS).isPresent() ? 1 : 0;
      }
      assertThat(won).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(repository.audit(queued.id())).hasSize(2);
  }

  @Test
  void twoTriggersAtOnceOpenOneAction() throws Exception {
    int servers = 4;
    CyclicBarrier barrier = new CyclicBarrier(servers);
    ExecutorService pool = Executors.newFixedThreadPool(servers);
    List<Action> started = new ArrayList<>();
    try {
      List<Future<Action>> results = new ArrayList<>();
      for (int i = 0; i < servers; i++) {
        results.add(
            pool.submit(
                () -> {
                  barrier.await(10, TimeUnit.SECONDS);
                  return repository.start(policy, manual(), HOURLY, T0);
                }));
      }
      for (Future<Action> result : results) {
        started.add(result.get(30, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(started).filteredOn(a -> a.state() == ActionState.QUEUED).hasSize(1);
    assertThat(started).filteredOn(a -> a.state() == ActionState.SKIPPED).hasSize(servers - 1);
    assertThat(
            repository.actions(
                shop.id(),
                Optional.of("retrain"),
                Optional.of(ActionState.SKIPPED),
                Optional.empty(),
                10))
        .hasSize(servers - 1);
  }

  @Test
  void actionsAreListedNewestFirstAndPaged() {
    List<String> ids = new ArrayList<>();
    Guardrails none = new Guardrails(Duration.ZERO, 1_000);
    for (int i = 0; i < 5; i++) {
      Action a = repository.start(policy, manual(), none, T0.plusSeconds(i));
      finish(a, T0.plusSeconds(i));
      ids.add(0, a.id());
    }
    List<Action> first =
        repository.actions(shop.id(), Optional.empty(), Optional.empty(), Optional.empty(), 2);
    assertThat(first).extracting(Action::id).containsExactly(ids.get(0), ids.get(1));
    List<Action> next =
        repository.actions(
            shop.id(), Optional.empty(), Optional.empty(), Optional.of(ids.get(1)), 10);
    assertThat(next).extracting(Action::id).containsExactlyElementsOf(ids.subList(2, 5));
    assertThat(
            repository.actions(
                shop.id(), Optional.of("other"), Optional.empty(), Optional.empty(), 10))
        .isEmpty();
  }

  private void finish(Action action, Instant at) {
    repository
        .advance(action, ActionChange.to(ActionState.FAILED, "failed", "test", "{}"), at)
        .orElseThrow();
  }
}
