package dev.tend.server.metrics;

import dev.tend.server.serving.TrafficObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the requests each deployment routed, per version and role: {@code
 * tend_serving_requests_total}, {@code tend_serving_failures_total} and the latency histogram
 * {@code tend_serving_latency_seconds} (fixed buckets from 1 ms to 10 s). At most {@link
 * #MAX_SERIES} deployment, version and role combinations get their own series; traffic of further
 * ones is counted under {@code model_version="_other"}. Never blocks or throws on the serving path.
 * Thread-safe.
 */
public final class ServingMetrics implements TrafficObserver {
  public static final int MAX_SERIES = 1_000;
  static final String OTHER = "_other";

  private static final Logger LOG = LoggerFactory.getLogger(ServingMetrics.class);
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private final MeterRegistry registry;
  private final Map<Key, Meters> meters = new ConcurrentHashMap<>();

  private record Key(String deployment, String version, Role role) {}

  private record Meters(Counter requests, Counter failures, Timer latency) {}

  ServingMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void served(
      String deployment, String versionId, Role role, long latencyNanos, boolean failed) {
    try {
      Meters m = meters(new Key(deployment, versionId, role));
      m.requests().increment();
      if (failed) {
        m.failures().increment();
      }
      m.latency().record(Math.max(0, latencyNanos), TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      LOG.debug("cannot count a served request", e);
    }
  }

  private Meters meters(Key key) {
    Meters m = meters.get(key);
    if (m != null) {
      return m;
    }
    Key counted = meters.size() >= MAX_SERIES ? new Key(key.deployment(), OTHER, key.role()) : key;
    return meters.computeIfAbsent(counted, this::register);
  }

  private Meters register(Key key) {
    String role = key.role().name().toLowerCase(Locale.ROOT);
    String[] tags = {"deployment", key.deployment(), "model_version", key.version(), "role", role};
    return new Meters(
        Counter.builder("tend.serving.requests")
            .description("Requests a deployment routed to a version, refused ones included")
            .tags(tags)
            .register(registry),
        Counter.builder("tend.serving.failures")
            .description("Requests a version did not answer (refused rows or a runtime failure)")
            .tags(tags)
            .register(registry),
        Timer.builder("tend.serving.latency")
            .description("Time from routing to the answer being ready")
            .tags(tags)
            .serviceLevelObjectives(BUCKETS)
            .register(registry));
  }
}
