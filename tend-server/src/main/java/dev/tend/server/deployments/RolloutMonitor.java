package dev.tend.server.deployments;

import static java.util.Objects.requireNonNull;

import dev.tend.deployments.RolloutPolicy;
import dev.tend.server.serving.TrafficObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what each version of each deployment did in tumbling windows aligned on the epoch
 * (requests, failures, a latency histogram), keeping only the window in progress and the one before
 * it, so memory is bounded by the number of deployments and versions served (at most {@link
 * #MAX_DEPLOYMENTS} deployments of {@link #MAX_VERSIONS} versions heard in the last two windows
 * each; traffic beyond is not counted). The figures are this server's own: with several servers
 * each judges its share. Hearing a request never blocks (atomic counters and compare-and-set).
 * Thread-safe.
 */
public final class RolloutMonitor implements TrafficObserver {
  public static final int MAX_DEPLOYMENTS = 4096;
  public static final int MAX_VERSIONS = 8;

  private final Clock clock;
  private final Map<String, Tracked> deployments = new ConcurrentHashMap<>();

  public RolloutMonitor(Clock clock) {
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** The current and the last finished window of one version. */
  public record Figures(WindowFigures current, WindowFigures last) {
    public Figures {
      requireNonNull(current, "current is null");
      requireNonNull(last, "last is null");
    }
  }

  @Override
  public void served(
      String deployment, String versionId, Role role, long latencyNanos, boolean failed) {
    try {
      Tracked tracked = deployments.get(deployment);
      if (tracked == null) {
        if (deployments.size() >= MAX_DEPLOYMENTS) {
          return;
        }
        tracked =
            deployments.computeIfAbsent(deployment, d -> new Tracked(RolloutPolicy.DEFAULT_WINDOW));
      }
      long index = clock.millis() / tracked.windowMillis;
      AtomicReference<Slots> slots = tracked.versions.get(versionId);
      if (slots == null) {
        if (tracked.versions.size() >= MAX_VERSIONS) {
          /* Versions unheard for two windows have nothing left to report. */
          tracked
              .versions
              .values()
              .removeIf(s -> s.get() == null || s.get().current.index < index - 1);
          if (tracked.versions.size() >= MAX_VERSIONS) {
            return;
          }
        }
        slots = tracked.versions.computeIfAbsent(versionId, v -> new AtomicReference<>());
      }
      window(slots, index).record(latencyNanos, failed);
    } catch (RuntimeException e) {
      // Never fail a request over counting it.
    }
  }

  /**
   * Sets the window length of {@code deployment}'s figures (one minute until set); a change starts
   * counting afresh.
   */
  public void window(String deployment, Duration window) {
    requireNonNull(deployment, "deployment is null");
    long millis = window.toMillis();
    Tracked tracked = deployments.get(deployment);
    if (tracked != null && tracked.windowMillis == millis) {
      return;
    }
    deployments.put(deployment, new Tracked(Duration.ofMillis(millis)));
  }

  /** The window length of {@code deployment}'s figures. */
  public Duration window(String deployment) {
    Tracked tracked = deployments.get(deployment);
    return tracked == null ? RolloutPolicy.DEFAULT_WINDOW : Duration.ofMillis(tracked.windowMillis);
  }

  /** Stops counting {@code deployment}'s traffic until it is heard again. */
  public void forget(String deployment) {
    deployments.remove(deployment);
  }

  /** The figures of {@code versionId} in {@code deployment} as of now. */
  public Figures figures(String deployment, String versionId) {
    Tracked tracked = deployments.get(deployment);
    long millis = tracked == null ? RolloutPolicy.DEFAULT_WINDOW.toMillis() : tracked.windowMillis;
    long now = clock.millis() / millis;
    AtomicReference<Slots> slots = tracked == null ? null : tracked.versions.get(versionId);
    Slots seen = slots == null ? null : slots.get();
    return new Figures(figures(seen, now, millis), figures(seen, now - 1, millis));
  }

  private static WindowFigures figures(Slots slots, long index, long millis) {
    Instant start = Instant.ofEpochMilli(index * millis);
    Instant end = Instant.ofEpochMilli((index + 1) * millis);
    Window window = null;
    if (slots != null) {
      if (slots.current.index == index) {
        window = slots.current;
      } else if (slots.previous != null && slots.previous.index == index) {
        window = slots.previous;
      }
    }
    if (window == null) {
      return WindowFigures.empty(start, end);
    }
    long requests = window.requests.sum();
    if (requests == 0) {
      return WindowFigures.empty(start, end);
    }
    return new WindowFigures(
        start,
        end,
        requests,
        window.failures.sum(),
        millis(window.latency.quantile(0.5)),
        millis(window.latency.quantile(0.99)));
  }

  private static OptionalDouble millis(double micros) {
    return Double.isNaN(micros) ? OptionalDouble.empty() : OptionalDouble.of(micros / 1000.0);
  }

  /* The window numbered index, rotating the slots when time moved on. */
  private static Window window(AtomicReference<Slots> ref, long index) {
    while (true) {
      Slots slots = ref.get();
      if (slots != null && slots.current.index >= index) {
        if (slots.current.index == index || slots.previous == null) {
          return slots.current;
        }
        // A late request from a thread whose clock read predates the rotation.
        return slots.previous.index == index ? slots.previous : slots.current;
      }
      Window previous =
          slots == null ? null : slots.current.index == index - 1 ? slots.current : null;
      Slots next = new Slots(new Window(index), previous);
      if (ref.compareAndSet(slots, next)) {
        return next.current;
      }
    }
  }

  private static final class Tracked {
    final long windowMillis;
    final Map<String, AtomicReference<Slots>> versions = new ConcurrentHashMap<>();

    Tracked(Duration window) {
      this.windowMillis = Math.max(1, window.toMillis());
    }
  }

  private record Slots(Window current, Window previous) {}

  private static final class Window {
    final long index;
    final LongAdder requests = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LatencyHistogram latency = new LatencyHistogram();

    Window(long index) {
      this.index = index;
    }

    void record(long latencyNanos, boolean failed) {
      latency.record(latencyNanos / 1000);
      if (failed) {
        failures.increment();
      }
      requests.increment();
    }
  }
}
