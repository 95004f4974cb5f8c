package dev.tend.server.monitoring;

import static java.util.Objects.requireNonNull;

import dev.tend.server.serving.TrafficObserver;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests each version of each deployment failed to answer, per second, until the
 * monitor runner takes them into its windows (monitor windows are whole seconds long, so a second
 * falls in exactly one window). At most {@link #MAX_KEYS} seconds of deployments and versions are
 * held; failures beyond are not counted. Hearing a request never blocks. Thread-safe.
 */
public final class FailedRequests implements TrafficObserver {
  /** The most (deployment, version, second) counters held. */
  public static final int MAX_KEYS = 100_000;

  /** A deployment's version's failures in one second since the epoch. */
  record Key(String deployment, String versionId, long second) {}

  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
  private final Clock clock;

  public FailedRequests(Clock clock) {
    this.clock = requireNonNull(clock, "clock is null");
  }

  @Override
  public void served(
      String deployment, String versionId, Role role, long latencyNanos, boolean failed) {
    if (!failed || role == Role.SHADOW) {
      return;
    }
    try {
      Key key = new Key(deployment, versionId, Math.floorDiv(clock.millis(), 1000));
      LongAdder adder = counts.get(key);
      if (adder == null) {
        if (counts.size() >= MAX_KEYS) {
          return;
        }
        adder = counts.computeIfAbsent(key, k -> new LongAdder());
      }
      adder.increment();
    } catch (RuntimeException e) {
      // Never fail a request over counting it.
    }
  }

  /** Takes the counts of {@code deployment}'s seconds before {@code beforeSecond}. */
  Map<Key, Long> take(String deployment, long beforeSecond) {
    Map<Key, Long> taken = new HashMap<>();
    for (Key key : counts.keySet()) {
      if (key.deployment().equals(deployment) && key.second() < beforeSecond) {
        LongAdder adder = counts.remove(key);
        if (adder != null) {
          taken.merge(key, adder.sum(), Long::sum);
        }
      }
    }
    return taken;
  }

  /** Puts back counts taken but not stored. */
  void restore(Map<Key, Long> taken) {
    taken.forEach((key, n) -> counts.computeIfAbsent(key, k -> new LongAdder()).add(n));
  }
}
