package dev.tend.server.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tend.server.serving.TrafficObserver.Role;
import dev.tend.store.TestDatabase.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RolloutMonitorTest {
  MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  RolloutMonitor monitor = new RolloutMonitor(clock);

  static long ms(double millis) {
    return (long) (millis * 1_000_000);
  }

  @Test
  void windowsTumbleAndTheLastFinishedOneIsKept() {
    monitor.window("d", Duration.ofSeconds(10));
    for (int i = 0; i < 10; i++) {
      monitor.served("d", "v1", Role.STABLE, ms(5), i == 0);
    }
    RolloutMonitor.Figures during = monitor.figures("d", "v1");
    assertThat(during.current().requests()).isEqualTo(10);
    assertThat(during.current().errors()).isEqualTo(1);
    assertThat(during.current().successRate().getAsDouble()).isCloseTo(0.9, within(1e-12));
    assertThat(during.last().requests()).isZero();
    assertThat(during.last().successRate()).isEmpty();

    clock.advance(Duration.ofSeconds(10));
    monitor.served("d", "v1", Role.STABLE, ms(5), false);
    RolloutMonitor.Figures after = monitor.figures("d", "v1");
    assertThat(after.last().requests()).isEqualTo(10);
    assertThat(after.last().start()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(after.last().end()).isEqualTo(Instant.parse("2026-01-01T00:00:10Z"));
    assertThat(after.current().requests()).isEqualTo(1);

    /* Without traffic the finished window still reads as the last one, then falls away. */
    clock.advance(Duration.ofSeconds(10));
    assertThat(monitor.figures("d", "v1").last().requests()).isEqualTo(1);
    assertThat(monitor.figures("d", "v1").current().requests()).isZero();
    clock.advance(Duration.ofSeconds(10));
    assertThat(monitor.figures("d", "v1").last().requests()).isZero();
  }

  @Test
  void quantilesAreWithinTheHistogramsRelativeError() {
    Random random = new Random(42);
    double[] latencies = new double[20_000];
    for (int i = 0; i < latencies.length; i++) {
      latencies[i] = Math.exp(random.nextGaussian() * 1.2 + 3); // log-normal, ms
      monitor.served("d", "v1", Role.STABLE, ms(latencies[i]), false);
    }
    Arrays.sort(latencies);
    RolloutMonitor.Figures f = monitor.figures("d", "v1");
    double p50 = latencies[(int) Math.ceil(0.5 * latencies.length) - 1];
    double p99 = latencies[(int) Math.ceil(0.99 * latencies.length) - 1];
    assertThat(f.current().p50Millis().getAsDouble()).isCloseTo(p50, within(p50 * 0.05));
    assertThat(f.current().p99Millis().getAsDouble()).isCloseTo(p99, within(p99 * 0.05));
  }

  @Test
  void concurrentRequestsAcrossAWindowBoundaryAreAllCounted() throws Exception {
    monitor.window("d", Duration.ofSeconds(1));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 50_000; i++) {
                    monitor.served("d", "v1", Role.CANDIDATE, ms(1), false);
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(monitor.figures("d", "v1").current().requests()).isEqualTo(200_000);
  }

  @Test
  void memoryIsBoundedByDeploymentsAndVersions() {
    for (int v = 0; v < RolloutMonitor.MAX_VERSIONS + 5; v++) {
      monitor.served("d", "v" + v, Role.STABLE, ms(1), false);
    }
    assertThat(monitor.figures("d", "v0").current().requests()).isEqualTo(1);
    String late = "v" + (RolloutMonitor.MAX_VERSIONS + 1);
    assertThat(monitor.figures("d", late).current().requests()).isZero();

    clock.advance(Duration.ofMinutes(2));
    monitor.served("d", late, Role.CANDIDATE, ms(1), false);
    assertThat(monitor.figures("d", late).current().requests()).isEqualTo(1);
  }
}
