package dev.tend.idempotency;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.store.ConflictException;
import dev.tend.store.Engine;
import dev.tend.store.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

@ParameterizedClass
@EnumSource(Engine.class)
class IdempotencyRepositoryTest {
  @Parameter Engine engine;
  TestDatabase db;
  IdempotencyRepository keys;

  @BeforeEach
  void open() {
    db = TestDatabase.create(engine);
    keys = IdempotencyRepository.of(db.database());
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  static StoredResponse response(String hash, String body) {
    return new StoredResponse(
        hash, 201, "application/json", body.getBytes(UTF_8), Map.of("Location", "/p/1"));
  }

  @Test
  void theFirstResponseIsKeptAndReplayed() {
    StoredResponse first = response("aaa", "{\"version\":1}");
    StoredResponse second = response("bbb", "{\"version\":2}");

    assertThat(keys.find("alice", "k1")).isEmpty();
    assertThat(keys.putIfAbsent("alice", "k1", first)).isEqualTo(first);
    assertThat(keys.putIfAbsent("alice", "k1", second)).isEqualTo(first);
    assertThat(keys.putIfAbsent("bob", "k1", second)).isEqualTo(second);
    assertThat(keys.find("alice", "k1")).contains(first);
  }

  @Test
  void aReservedKeyIsInProgressUntilCompletedThenReplaysItsResponse() {
    StoredResponse done =
        new StoredResponse(
            "aaa", 201, "application/json", new byte[] {0, (byte) 0xff, 10}, Map.of());

    assertThat(keys.reserve("alice", "k1", "aaa")).isEqualTo(new Reservation.Acquired());
    assertThat(keys.reserve("alice", "k1", "aaa")).isEqualTo(new Reservation.InProgress());
    assertThat(keys.reserve("alice", "k1", "bbb")).isEqualTo(new Reservation.Mismatch());
    assertThat(keys.find("alice", "k1")).isEmpty();

    keys.complete("alice", "k1", done);

    assertThat(keys.reserve("alice", "k1", "aaa")).isEqualTo(new Reservation.Replay(done));
    assertThat(keys.reserve("alice", "k1", "bbb")).isEqualTo(new Reservation.Mismatch());
    assertThat(keys.reserve("bob", "k1", "bbb")).isEqualTo(new Reservation.Acquired());
  }

  @Test
  void aReleasedKeyMayBeReservedAgainButACompletedOneStays() {
    keys.reserve("alice", "k1", "aaa");
    keys.release("alice", "k1");
    assertThat(keys.reserve("alice", "k1", "bbb")).isEqualTo(new Reservation.Acquired());

    StoredResponse done = response("bbb", "{}");
    keys.complete("alice", "k1", done);
    keys.release("alice", "k1");

    assertThat(keys.reserve("alice", "k1", "bbb")).isEqualTo(new Reservation.Replay(done));
  }

  @Test
  void completingAKeyNotHeldForTheRequestIsAConflict() {
    assertThatThrownBy(() -> keys.complete("alice", "free", response("aaa", "{}")))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("'free'");
    keys.reserve("alice", "held", "aaa");
    assertThatThrownBy(() -> keys.complete("alice", "held", response("bbb", "{}")))
        .isInstanceOf(ConflictException.class);
    keys.complete("alice", "held", response("aaa", "{}"));
    assertThatThrownBy(() -> keys.complete("alice", "held", response("aaa", "{\"again\":1}")))
        .isInstanceOf(ConflictException.class);
    assertThat(keys.find("alice", "held")).contains(response("aaa", "{}"));
  }

  @Test
  void exactlyOneOfConcurrentReservationsAcquiresTheKey() throws Exception {
    int threads = 8;
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Reservation>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int i = 0; i < threads; i++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return keys.reserve("alice", "race", "aaa");
                }));
      }
      start.countDown();
      List<Reservation> outcomes = new ArrayList<>();
      for (Future<Reservation> result : results) {
        outcomes.add(result.get());
      }
      assertThat(outcomes).filteredOn(r -> r instanceof Reservation.Acquired).hasSize(1);
      assertThat(outcomes)
          .filteredOn(r -> r instanceof Reservation.InProgress)
          .hasSize(threads - 1);
    }
  }

  @Test
  void expiresOldKeysCompletedOrNot() {
    keys.putIfAbsent("alice", "old", response("a", ""));
    keys.reserve("alice", "stuck", "s");
    db.clock().advance(Duration.ofHours(25));
    keys.putIfAbsent("alice", "new", response("b", ""));

    assertThat(keys.expire(Duration.ofHours(24))).isEqualTo(2);
    assertThat(keys.find("alice", "old")).isEmpty();
    assertThat(keys.reserve("alice", "stuck", "s")).isEqualTo(new Reservation.Acquired());
    assertThat(keys.find("alice", "new")).isPresent();
  }
}
