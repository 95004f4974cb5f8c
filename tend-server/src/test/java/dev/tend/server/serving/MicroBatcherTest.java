package dev.tend.server.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.server.config.TendConfig;
import dev.tend.source.DataSources;
import dev.tend.train.Label;
import dev.tend.train.Split;
import dev.tend.train.TrainOptions;
import dev.tend.train.Trainer;
import dev.tend.train.model.Manifest;
import dev.tend.train.model.Model;
import dev.tend.train.model.Prediction;
import dev.tend.train.model.Signature;
import dev.tend.train.model.Task;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Coalescing concurrent predictions on a real XGBoost model (species from the Palmer penguins'
 * measures): every caller gets exactly its own rows' answers, and a bad value fails only the
 * request that sent it.
 */
class MicroBatcherTest {
  static final List<String> FEATURES =
      List.of("Island", "Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)");
  static Model model;
  static List<Map<String, Object>> penguins;

  @BeforeContainer
  static void train() throws IOException {
    Path data = Path.of("../../shared/data/penguins.json");
    try (Engine engine = DuckDbEngines.create();
        Dataset dataset = engine.open(DataSources.parse(data.toString(), Optional.empty()))) {
      model =
          Trainer.train(
                  dataset,
                  TrainOptions.of(Task.MULTICLASS, Label.column("Species"), FEATURES)
                      .withSplit(new Split.Random(0.2, 0.2))
                      .withSeed(7))
              .model();
    }
    List<Map<String, Object>> all =
        new ObjectMapper().readValue(data.toFile(), new TypeReference<>() {});
    penguins = new ArrayList<>();
    for (Map<String, Object> row : all) {
      Map<String, Object> inputs = new HashMap<>();
      for (String feature : FEATURES) {
        inputs.put(feature, row.get(feature));
      }
      penguins.add(inputs);
    }
  }

  @AfterContainer
  static void close() {
    model.close();
  }

  @Property(tries = 30)
  void concurrentCallersGetTheirOwnRowsAnswers(
      @ForAll @Size(min = 1, max = 200) List<@IntRange(min = 0, max = 343) Integer> picks,
      @ForAll @IntRange(min = 1, max = 6) int rowsPerRequest,
      @ForAll @IntRange(min = 2, max = 64) int maxRows,
      @ForAll boolean wait)
      throws Exception {
    Batching batching = new Batching(maxRows, wait ? Duration.ofMillis(1) : Duration.ZERO);
    AtomicInteger inFlight = new AtomicInteger();
    MicroBatcher batcher = new MicroBatcher(model, batching, inFlight::get);
    List<List<Map<String, Object>>> requests = new ArrayList<>();
    for (int from = 0; from < picks.size(); from += rowsPerRequest) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int pick : picks.subList(from, Math.min(picks.size(), from + rowsPerRequest))) {
        rows.add(penguins.get(pick));
      }
      requests.add(rows);
    }
    try (ExecutorService threads = Executors.newFixedThreadPool(16)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<Prediction>>> answers = new ArrayList<>();
      for (List<Map<String, Object>> rows : requests) {
        answers.add(
            threads.submit(
                () -> {
                  start.await();
                  inFlight.incrementAndGet();
                  try {
                    return batcher.predict(rows);
                  } finally {
                    inFlight.decrementAndGet();
                  }
                }));
      }
      start.countDown();
      for (int i = 0; i < requests.size(); i++) {
        assertThat(answers.get(i).get(30, TimeUnit.SECONDS))
            .isEqualTo(model.predict(requests.get(i)));
      }
    }
  }

  @Example
  void requestsArrivingWhileTheModelIsBusyShareOneCall() throws Exception {
    Recording recording = new Recording(model);
    MicroBatcher batcher = new MicroBatcher(recording, new Batching(64, Duration.ZERO), () -> 0);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<List<Prediction>> first =
          threads.submit(() -> batcher.predict(List.of(penguins.get(0))));
      recording.entered.await();
      List<Future<List<Prediction>>> others = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        List<Map<String, Object>> rows = List.of(penguins.get(i * 30));
        others.add(threads.submit(() -> batcher.predict(rows)));
      }
      while (batcher.queued() < 10) {
        Thread.sleep(5);
      }
      recording.release.countDown();
      assertThat(first.get()).isEqualTo(model.predict(List.of(penguins.get(0))));
      for (int i = 1; i <= 10; i++) {
        assertThat(others.get(i - 1).get()).isEqualTo(model.predict(List.of(penguins.get(i * 30))));
      }
    }
    assertThat(recording.calls).containsExactly(1, 10);
  }

  @Example
  void aBadValueFailsOnlyTheRequestThatSentIt() throws Exception {
    Recording recording = new Recording(model);
    MicroBatcher batcher = new MicroBatcher(recording, new Batching(64, Duration.ZERO), () -> 0);
    Map<String, Object> bad = new LinkedHashMap<>(penguins.get(5));
    bad.put("Beak Depth (mm)", "deep");
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<List<Prediction>> first =
          threads.submit(() -> batcher.predict(List.of(penguins.get(0))));
      recording.entered.await();
      Future<List<Prediction>> before =
          threads.submit(() -> batcher.predict(List.of(penguins.get(1), penguins.get(2))));
      while (batcher.queued() < 1) {
        Thread.sleep(5);
      }
      Future<List<Prediction>> refused =
          threads.submit(() -> batcher.predict(List.of(penguins.get(3), bad)));
      while (batcher.queued() < 2) {
        Thread.sleep(5);
      }
      Future<List<Prediction>> after =
          threads.submit(() -> batcher.predict(List.of(penguins.get(4))));
      while (batcher.queued() < 3) {
        Thread.sleep(5);
      }
      recording.release.countDown();
      assertThat(first.get()).isEqualTo(model.predict(List.of(penguins.get(0))));
      assertThat(before.get()).isEqualTo(model.predict(List.of(penguins.get(1), penguins.get(2))));
      assertThat(after.get()).isEqualTo(model.predict(List.of(penguins.get(4))));
      assertThatThrownBy(refused::get)
          .hasCauseInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("column 'Beak Depth (mm)' needs a number, got \"deep\"");
    }
    // The coalesced call of 5 rows failed; each request was then run alone.
    assertThat(recording.calls).containsExactly(1, 5, 2, 2, 1);
  }

  @Example
  void aLoneRequestRunsAtOnceEvenWithADelay() {
    Recording recording = new Recording(model);
    recording.release.countDown();
    MicroBatcher batcher =
        new MicroBatcher(recording, new Batching(64, Duration.ofSeconds(1)), () -> 1);
    long start = System.nanoTime();
    assertThat(batcher.predict(List.of(penguins.get(7))))
        .isEqualTo(model.predict(List.of(penguins.get(7))));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
    assertThat(recording.calls).containsExactly(1);
  }

  @Example
  void batchingOffRunsEveryRequestAlone() {
    Recording recording = new Recording(model);
    recording.release.countDown();
    MicroBatcher batcher = new MicroBatcher(recording, Batching.OFF, () -> 0);
    assertThat(batcher.predict(List.of(penguins.get(1), penguins.get(2))))
        .isEqualTo(model.predict(List.of(penguins.get(1), penguins.get(2))));
    assertThat(recording.calls).containsExactly(2);
  }

  @Example
  void settingsOutOfRangeAreRefusedAndTheConfigDefaultsMatch() {
    assertThatThrownBy(() -> new Batching(0, Duration.ZERO))
        .hasMessage("maxRows must be from 1 to 10000, found 0");
    assertThatThrownBy(() -> new Batching(8, Duration.ofSeconds(2)))
        .hasMessage("maxDelay must be from 0 to 1s, found 2000ms");
    assertThat(Batching.of(TendConfig.defaults())).isEqualTo(Batching.DEFAULT);
    assertThat(Batching.DEFAULT.enabled()).isTrue();
    assertThat(Batching.OFF.enabled()).isFalse();
  }

  /*
   * The real model, recording the rows of each runtime call; the first call holds until released,
   * so the test can queue requests behind it.
   */
  static final class Recording implements Model {
    final Model model;
    final List<Integer> calls = new CopyOnWriteArrayList<>();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    Recording(Model model) {
      this.model = model;
    }

    @Override
    public List<Prediction> predict(List<? extends Map<String, ?>> rows) {
      calls.add(rows.size());
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return model.predict(rows);
    }

    @Override
    public Signature signature() {
      return model.signature();
    }

    @Override
    public Manifest manifest() {
      return model.manifest();
    }

    @Override
    public void save(Path directory) {
      model.save(directory);
    }

    @Override
    public void close() {}
  }
}
