package dev.tend.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.store.Engine;
import dev.tend.store.TestDatabase;
import java.time.Duration;
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

  @Test
  void theFirstResponseIsKeptAndReplayed() {
    StoredResponse first = new StoredResponse("aaa", 201, "{\"version\":1}");
    StoredResponse second = new StoredResponse("bbb", 201, "{\"version\":2}");

    assertThat(keys.find("alice", "k1")).isEmpty();
    assertThat(keys.putIfAbsent("alice", "k1", first)).isEqualTo(first);
    assertThat(keys.putIfAbsent("alice", "k1", second)).isEqualTo(first);
    assertThat(keys.putIfAbsent("bob", "k1", second)).isEqualTo(second);
    assertThat(keys.find("alice", "k1")).contains(first);
  }

  @Test
  void expiresOldResponses() {
    keys.putIfAbsent("alice", "old", new StoredResponse("a", 200, ""));
    db.clock().advance(Duration.ofHours(25));
    keys.putIfAbsent("alice", "new", new StoredResponse("b", 200, ""));

    assertThat(keys.expire(Duration.ofHours(24))).isEqualTo(1);
    assertThat(keys.find("alice", "old")).isEmpty();
    assertThat(keys.find("alice", "new")).isPresent();
  }
}
