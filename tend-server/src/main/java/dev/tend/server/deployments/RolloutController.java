package dev.tend.server.deployments;

import static java.util.Objects.requireNonNull;

import dev.tend.deployments.Candidate;
import dev.tend.deployments.Deployment;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.deployments.Rollout;
import dev.tend.deployments.RolloutMode;
import dev.tend.deployments.RolloutPolicy;
import dev.tend.deployments.RolloutState;
import dev.tend.pipeline.Durations;
import dev.tend.server.serving.DeploymentListener;
import dev.tend.server.serving.TrafficObserver.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges running rollouts by the figures of {@link RolloutMonitor}: every period it looks at each
 * rollout's last finished window, and when both versions served at least the policy's minimum, the
 * candidate passes or fails it (success rate, p99 latency, and quality once labels are known).
 * Enough consecutive failures roll the candidate back; a bake without failure promotes it or, for
 * manual promotion and for shadows, marks it awaiting approval. Every change goes through the
 * store's compare-and-set on the rollout it read, so with several servers only one acts on each
 * window. Thread-safe.
 */
public final class RolloutController implements AutoCloseable {
  /** How often rollouts are judged by default. */
  public static final Duration PERIOD = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(RolloutController.class);

  private final DeploymentRepository deployments;
  private final RolloutMonitor monitor;
  private final RolloutQuality quality;
  private final DeploymentListener listener;
  private final Clock clock;
  private final ScheduledExecutorService timer;

  public RolloutController(
      DeploymentRepository deployments,
      RolloutMonitor monitor,
      RolloutQuality quality,
      DeploymentListener listener,
      Clock clock) {
    this.deployments = requireNonNull(deployments, "deployments is null");
    this.monitor = requireNonNull(monitor, "monitor is null");
    this.quality = requireNonNull(quality, "quality is null");
    this.listener = requireNonNull(listener, "listener is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("tend-rollout-controller").factory());
  }

  /** Judges every rollout every {@code period} until closed. */
  public RolloutController start(Duration period) {
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            tick();
          } catch (RuntimeException e) {
            LOG.warn("judging rollouts failed", e);
          }
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
    return this;
  }

  /** Judges every running rollout once, now; returns what it did, one line per action. */
  public List<String> tick() {
    List<String> actions = new ArrayList<>();
    for (Rollout rollout : deployments.rollouts()) {
      try {
        judge(rollout).ifPresent(actions::add);
      } catch (RuntimeException e) {
        LOG.warn("judging the rollout of deployment '{}' failed", rollout.deploymentName(), e);
      }
    }
    return actions;
  }

  private Optional<String> judge(Rollout rollout) {
    String name = rollout.deploymentName();
    RolloutPolicy policy = rollout.policy();
    monitor.window(name, policy.window());
    Optional<Deployment> deployment = deployments.get(name);
    if (deployment.isEmpty() || deployment.get().current().number() != rollout.revision()) {
      return Optional.empty();
    }
    String stable = deployment.get().current().traffic().stableVersionId();
    Candidate candidate = deployment.get().current().traffic().candidate().orElseThrow();
    Instant now = clock.instant();
    Rollout seen = rollout;
    if (seen.state() == RolloutState.IN_PROGRESS) {
      RolloutMonitor.Figures stableFigures = monitor.figures(name, stable);
      RolloutMonitor.Figures candidateFigures = monitor.figures(name, candidate.versionId());
      WindowFigures s = stableFigures.last();
      WindowFigures c = candidateFigures.last();
      boolean fresh =
          s.end().isAfter(seen.startedAt())
              && seen.lastWindowEnd().map(end -> s.end().isAfter(end)).orElse(true);
      if (fresh && s.requests() >= policy.minRequests() && c.requests() >= policy.minRequests()) {
        List<String> quality = new ArrayList<>();
        List<String> faults =
            faults(
                name,
                policy,
                stable,
                candidate.versionId(),
                candidate.mode() == RolloutMode.SHADOW ? Role.SHADOW : Role.CANDIDATE,
                s,
                c,
                quality);
        boolean failed = !faults.isEmpty();
        String verdict =
            "window ending "
                + s.end()
                + ": "
                + (failed ? String.join("; ", faults) : "candidate passed")
                + " ("
                + describe("candidate", c)
                + "; "
                + describe("stable", s)
                + quality.stream().map(q -> "; " + q).collect(Collectors.joining())
                + ")";
        boolean changed = failed || seen.failingStreak() > 0 || seen.windowsEvaluated() == 0;
        Optional<Rollout> recorded =
            deployments.recordWindow(seen, s.end(), failed, verdict, changed);
        if (recorded.isEmpty()) {
          return Optional.empty();
        }
        seen = recorded.get();
        if (seen.failingStreak() >= policy.failedWindows()) {
          String reason =
              "rolled back after "
                  + seen.failingStreak()
                  + " failing window"
                  + (seen.failingStreak() == 1 ? "" : "s")
                  + "; last "
                  + verdict;
          return end(seen, DeploymentRepository.Ending.ROLLBACK, reason);
        }
      }
    }
    boolean baked =
        seen.state() == RolloutState.IN_PROGRESS
            && !now.isBefore(seen.bakeEndsAt())
            && seen.failingStreak() == 0
            && seen.windowsEvaluated() > 0;
    if (!baked) {
      return Optional.empty();
    }
    String clean =
        "baked "
            + format(policy.bake())
            + " with no failing window ("
            + seen.windowsEvaluated()
            + " judged, "
            + seen.windowsFailed()
            + " failed before)";
    if (policy.promotion() == RolloutPolicy.Promotion.AUTO
        && candidate.mode() != RolloutMode.SHADOW) {
      return end(seen, DeploymentRepository.Ending.PROMOTE, "promoted: " + clean);
    }
    String why =
        candidate.mode() == RolloutMode.SHADOW
            ? "; a shadow is never promoted by itself"
            : "; promotion is manual";
    return deployments.awaitApproval(seen, clean + why).map(r -> name + ": awaiting approval");
  }

  private Optional<String> end(Rollout seen, DeploymentRepository.Ending ending, String reason) {
    Optional<Deployment> ended = deployments.endRollout(seen, ending, reason);
    if (ended.isEmpty()) {
      return Optional.empty();
    }
    String name = seen.deploymentName();
    LOG.info("deployment '{}': {}", name, reason);
    listener.changed(name);
    return Optional.of(name + ": " + ending.name().toLowerCase(Locale.ROOT) + ", " + reason);
  }

  /*
   * Why the candidate fails the window; empty when it passes. The quality figures found, judged or
   * not, are added to quality.
   */
  private List<String> faults(
      String name,
      RolloutPolicy policy,
      String stable,
      String candidate,
      Role candidateRole,
      WindowFigures s,
      WindowFigures c,
      List<String> quality) {
    List<String> faults = new ArrayList<>();
    double success = c.successRate().orElse(1);
    if (success < policy.minSuccessRate()) {
      faults.add(
          "candidate success rate " + percent(success) + " < " + percent(policy.minSuccessRate()));
    }
    double p99 = c.p99Millis().orElse(0);
    if (p99 > policy.maxP99Millis()) {
      faults.add(
          String.format(Locale.ROOT, "candidate p99 %.1f ms > %d ms", p99, policy.maxP99Millis()));
    }
    if (policy.maxQualityDrop().isPresent() && policy.qualityMetric().isPresent()) {
      String metric = policy.qualityMetric().get();
      Optional<RolloutQuality.Figure> sq =
          this.quality.figure(name, stable, Role.STABLE, metric, s.start(), s.end());
      Optional<RolloutQuality.Figure> cq =
          this.quality.figure(name, candidate, candidateRole, metric, c.start(), c.end());
      cq.ifPresent(f -> quality.add(describe("candidate", metric, f)));
      sq.ifPresent(f -> quality.add(describe("stable", metric, f)));
      if (sq.isPresent()
          && cq.isPresent()
          && sq.get().labelled() >= policy.minRequests()
          && cq.get().labelled() >= policy.minRequests()) {
        double drop = RolloutQuality.drop(metric, sq.get().value(), cq.get().value());
        if (drop > policy.maxQualityDrop().getAsDouble()) {
          faults.add(
              String.format(
                  Locale.ROOT,
                  "candidate %s %.4f is worse than stable %.4f by %.4f > %.4f",
                  metric,
                  cq.get().value(),
                  sq.get().value(),
                  drop,
                  policy.maxQualityDrop().getAsDouble()));
        }
      }
    }
    return faults;
  }

  private static String describe(String who, WindowFigures f) {
    return String.format(
        Locale.ROOT,
        "%s %d requests, %d errors, p99 %.1f ms",
        who,
        f.requests(),
        f.errors(),
        f.p99Millis().orElse(0));
  }

  private static String describe(String who, String metric, RolloutQuality.Figure f) {
    return String.format(
        Locale.ROOT, "%s %s %.4f over %d labelled", who, metric, f.value(), f.labelled());
  }

  private static String percent(double rate) {
    return String.format(Locale.ROOT, "%.2f%%", rate * 100);
  }

  private static String format(Duration duration) {
    return duration.isZero() ? "0s" : Durations.format(duration);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
