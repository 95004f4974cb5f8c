package dev.tend.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tend.feedback.FeedbackRepository.Result;
import dev.tend.projects.ProjectRepository;
import dev.tend.store.Engine;
import dev.tend.store.TestDatabase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Random batches of feedback on two predictions and two names, with clashing values, times and
 * corrections, checked against a model: each item's result, which batches are refused (and then
 * change nothing), the stored values, and that re-sending everything stored changes nothing.
 */
class FeedbackIdempotencyPropertiesTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  record Item(String id, String name, String value, int hour, boolean replace) {}

  record Key(String id, String name) {}

  record State(String value, int hour, int corrections) {}

  private TestDatabase db;
  private FeedbackRepository feedback;
  private String projectId;

  @BeforeTry
  void open() {
    db = TestDatabase.create(Engine.SQLITE);
    feedback = FeedbackRepository.of(db.database());
    projectId = ProjectRepository.of(db.database()).create("shop", "", "alice").id();
  }

  @AfterTry
  void close() {
    db.close();
  }

  @Provide
  Arbitrary<List<List<Item>>> batches() {
    Arbitrary<Item> item =
        Combinators.combine(
                Arbitraries.of("p1", "p2"),
                Arbitraries.of("label", "revenue"),
                Arbitraries.of("1", "2"),
                Arbitraries.integers().between(0, 1),
                Arbitraries.of(true, false))
            .as(Item::new);
    return item.list().ofMinSize(1).ofMaxSize(4).list().ofMinSize(1).ofMaxSize(8);
  }

  @Property(tries = 40)
  void storedFeedbackFollowsTheModel(@ForAll("batches") List<List<Item>> batches) {
    Map<Key, State> model = new HashMap<>();
    for (List<Item> batch : batches) {
      Map<Key, State> next = new HashMap<>(model);
      List<Result> expected = new ArrayList<>();
      int refused = -1;
      for (int i = 0; i < batch.size() && refused < 0; i++) {
        Item item = batch.get(i);
        Key key = new Key(item.id(), item.name());
        State before = next.get(key);
        if (before == null) {
          next.put(key, new State(item.value(), item.hour(), 0));
          expected.add(Result.CREATED);
        } else if (before.value().equals(item.value()) && before.hour() == item.hour()) {
          expected.add(Result.UNCHANGED);
        } else if (item.replace()) {
          next.put(key, new State(item.value(), item.hour(), before.corrections() + 1));
          expected.add(Result.REPLACED);
        } else {
          refused = i;
        }
      }
      List<NewFeedback> items = batch.stream().map(this::newFeedback).toList();
      if (refused >= 0) {
        try {
          feedback.record(items, "app");
          fail("batch " + batch + " should be refused at item " + refused);
        } catch (FeedbackConflictException e) {
          assertThat(e.index()).isEqualTo(refused);
        }
      } else {
        assertThat(feedback.record(items, "app")).containsExactlyElementsOf(expected);
        model = next;
      }
      assertStored(model);
    }
    List<NewFeedback> resend = new ArrayList<>();
    model.forEach(
        (key, state) ->
            resend.add(
                newFeedback(new Item(key.id(), key.name(), state.value(), state.hour(), true))));
    if (!resend.isEmpty()) {
      assertThat(feedback.record(resend, "app")).containsOnly(Result.UNCHANGED);
      assertStored(model);
    }
  }

  private NewFeedback newFeedback(Item item) {
    return new NewFeedback(
        item.id(),
        item.name(),
        item.value(),
        OptionalDouble.of(Double.parseDouble(item.value())),
        Optional.of(T.plusSeconds(3600L * item.hour())),
        "churn",
        projectId,
        item.replace());
  }

  private void assertStored(Map<Key, State> model) {
    Map<Key, State> stored = new HashMap<>();
    feedback
        .forPredictions(Set.of("p1", "p2"))
        .values()
        .forEach(
            list ->
                list.forEach(
                    f ->
                        stored.put(
                            new Key(f.predictionId(), f.name()),
                            new State(
                                f.value(),
                                (int)
                                    ((f.occurredAt().getEpochSecond() - T.getEpochSecond()) / 3600),
                                f.corrections()))));
    assertThat(stored).isEqualTo(model);
  }
}
