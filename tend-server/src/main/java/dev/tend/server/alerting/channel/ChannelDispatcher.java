package dev.tend.server.alerting.channel;

import static java.util.Objects.requireNonNull;

import dev.tend.alert.AlertEvent;
import dev.tend.server.alerting.channel.DeliveryOutcome.Status;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans alert events out to channels without blocking the caller. Each channel has its own bounded
 * queue and thread, so a slow or unreachable receiver delays only itself, and events of one channel
 * go out in the order they were dispatched. A failed attempt that may pass (time-out, refused
 * connection, 5xx, 429) is tried again after an exponential back-off with jitter, up to {@link
 * Settings#maxAttempts()}; a retry still waiting when a newer event of the same alert (same
 * fingerprint) is dispatched to that channel is dropped, so a stale FIRING never follows its
 * RESOLVED. Every attempt's outcome goes to the callback, on the channel's thread. Thread-safe.
 *
 * <p>Routing: {@link #dispatch} takes the names of the channels a rule lists; an empty list sends
 * the event to every configured channel.
 */
public final class ChannelDispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelDispatcher.class);
  private static final int MAX_TRACKED_ALERTS = 10_000;

  /**
   * How deliveries are queued and retried.
   *
   * @param queueCapacity most events waiting per channel; more are dropped (and reported)
   * @param maxAttempts tries per event and channel, the first included
   * @param initialBackoff wait before the second try; doubles with each further one
   * @param maxBackoff the longest wait between tries
   * @param closeTimeout how long {@link #close()} lets queued deliveries finish
   */
  public record Settings(
      int queueCapacity,
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration closeTimeout) {
    public Settings {
      requireNonNull(initialBackoff, "initialBackoff is null");
      requireNonNull(maxBackoff, "maxBackoff is null");
      requireNonNull(closeTimeout, "closeTimeout is null");
      if (queueCapacity < 1 || maxAttempts < 1) {
        throw new IllegalArgumentException("queueCapacity and maxAttempts must be positive");
      }
      if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException("backoffs must satisfy 0 <= initial <= max");
      }
    }

    /** 1000 queued events per channel, 5 tries, 2s back-off doubling up to 5 minutes. */
    public static Settings defaults() {
      return new Settings(
          1000, 5, Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofSeconds(5));
    }
  }

  private final Map<String, Lane> lanes = new LinkedHashMap<>();
  private final Settings settings;
  private final Consumer<DeliveryOutcome> outcomes;
  private final Clock clock;
  private final ScheduledExecutorService retries;
  private final Map<Task, Lane> waiting = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private volatile boolean closed;

  /**
   * Starts one thread per channel.
   *
   * @param outcomes hears every attempt; must be quick and should not throw (what it throws is
   *     logged and ignored)
   */
  public ChannelDispatcher(
      List<Channel> channels, Settings settings, Consumer<DeliveryOutcome> outcomes, Clock clock) {
    this.settings = requireNonNull(settings, "settings is null");
    this.outcomes = requireNonNull(outcomes, "outcomes is null");
    this.clock = requireNonNull(clock, "clock is null");
    for (Channel channel : channels) {
      if (lanes.put(channel.name(), new Lane(channel)) != null) {
        throw new IllegalArgumentException("two channels are named " + channel.name());
      }
    }
    this.retries =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("tend-alert-retries").unstarted(r));
    lanes.values().forEach(lane -> lane.thread.start());
  }

  /** The names of the configured channels, in configuration order. */
  public Set<String> channelNames() {
    return Collections.unmodifiableSet(lanes.keySet());
  }

  /**
   * Queues {@code event} for the channels named, or for every channel when {@code channelNames} is
   * empty; returns at once. A name no channel has, or a full queue, is reported as {@link
   * Status#DROPPED}.
   */
  public void dispatch(AlertEvent event, List<String> channelNames) {
    requireNonNull(event, "event is null");
    requireNonNull(channelNames, "channelNames is null");
    List<String> targets =
        channelNames.isEmpty()
            ? List.copyOf(lanes.keySet())
            : List.copyOf(new LinkedHashSet<>(channelNames));
    for (String name : targets) {
      Lane lane = lanes.get(name);
      if (lane == null) {
        report(
            name, event, 0, Status.DROPPED, "no channel is named '" + name + "'", Optional.empty());
        continue;
      }
      if (closed) {
        report(name, event, 0, Status.DROPPED, "the server is stopping", Optional.empty());
        continue;
      }
      long seq = sequence.incrementAndGet();
      lane.latest.put(event.fingerprint(), seq);
      if (!lane.queue.offer(new Task(event, seq, 1))) {
        report(
            name,
            event,
            0,
            Status.DROPPED,
            "the channel's queue is full (" + settings.queueCapacity() + " events waiting)",
            Optional.empty());
      }
    }
  }

  /**
   * Stops taking events, lets queued deliveries finish for up to {@link Settings#closeTimeout()},
   * then stops the threads; retries still waiting are reported as dropped.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    retries.shutdownNow();
    for (Task task : List.copyOf(waiting.keySet())) {
      Lane lane = waiting.remove(task);
      if (lane != null) {
        report(
            lane.channel.name(),
            task.event(),
            task.attempt() - 1,
            Status.DROPPED,
            "the server stopped before the next attempt",
            Optional.empty());
      }
    }
    long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
    for (Lane lane : lanes.values()) {
      long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
      try {
        lane.thread.join(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Lane lane : lanes.values()) {
      lane.thread.interrupt();
    }
  }

  private record Task(AlertEvent event, long seq, int attempt) {}

  /** One channel's queue and thread. */
  private final class Lane implements Runnable {
    final Channel channel;
    final BlockingQueue<Task> queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    /* The latest dispatch of each alert, so a stale retry can tell; bounded, eldest out. */
    final Map<String, Long> latest =
        Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
              private static final long serialVersionUID = 1L;

              @Override
              protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > MAX_TRACKED_ALERTS;
              }
            });
    final Thread thread;

    Lane(Channel channel) {
      this.channel = channel;
      this.thread =
          Thread.ofPlatform().daemon().name("tend-alert-channel-" + channel.name()).unstarted(this);
    }

    @Override
    public void run() {
      while (!(closed && queue.isEmpty())) {
        Task task;
        try {
          task = queue.poll(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          return;
        }
        if (task != null) {
          attempt(task);
        }
      }
    }

    private void attempt(Task task) {
      AlertEvent event = task.event();
      String fingerprint = event.fingerprint();
      if (task.attempt() > 1 && latest.getOrDefault(fingerprint, task.seq()) != task.seq()) {
        report(
            channel.name(),
            event,
            task.attempt() - 1,
            Status.DROPPED,
            "a newer event of this alert replaced it",
            Optional.empty());
        return;
      }
      try {
        channel.deliver(event);
        report(channel.name(), event, task.attempt(), Status.DELIVERED, "", Optional.empty());
      } catch (DeliveryException e) {
        fail(task, e.getMessage(), e.retryable());
      } catch (RuntimeException e) {
        LOG.warn("alert channel {} failed unexpectedly", channel.name(), e);
        fail(task, "unexpected failure: " + e, false);
      }
    }

    private void fail(Task task, String detail, boolean retryable) {
      if (!retryable || task.attempt() >= settings.maxAttempts() || closed) {
        report(
            channel.name(), task.event(), task.attempt(), Status.FAILED, detail, Optional.empty());
        return;
      }
      Duration delay = backoff(task.attempt());
      Task next = new Task(task.event(), task.seq(), task.attempt() + 1);
      report(
          channel.name(),
          task.event(),
          task.attempt(),
          Status.RETRYING,
          detail,
          Optional.of(delay));
      /* Registered before scheduling, so close() sees every retry that has not run. */
      waiting.put(next, this);
      try {
        retries.schedule(
            () -> {
              if (waiting.remove(next) != null && !queue.offer(next)) {
                report(
                    channel.name(),
                    next.event(),
                    task.attempt(),
                    Status.DROPPED,
                    "the channel's queue was full at the next attempt",
                    Optional.empty());
              }
            },
            delay.toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        if (waiting.remove(next) != null) {
          report(
              channel.name(),
              task.event(),
              task.attempt(),
              Status.DROPPED,
              "the server stopped before the next attempt",
              Optional.empty());
        }
      }
    }
  }

  Duration backoff(int failedAttempts) {
    long initial = settings.initialBackoff().toMillis();
    long max = settings.maxBackoff().toMillis();
    long delay = initial << Math.min(failedAttempts - 1, 30);
    delay = delay < 0 ? max : Math.min(delay, max);
    /* ±20% jitter so channels that failed together do not retry together. */
    long jitter = delay / 5;
    long jittered =
        jitter == 0 ? delay : delay - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1);
    return Duration.ofMillis(Math.min(jittered, max));
  }

  private void report(
      String channel,
      AlertEvent event,
      int attempt,
      Status status,
      String detail,
      Optional<Duration> retryIn) {
    DeliveryOutcome outcome =
        new DeliveryOutcome(channel, event, attempt, status, detail, clock.instant(), retryIn);
    if (status == Status.DELIVERED) {
      LOG.debug("alert {} {} delivered to {}", event.fingerprint(), event.kind(), channel);
    } else {
      LOG.warn(
          "alert {} {} to channel {}: {} (attempt {}): {}",
          event.fingerprint(),
          event.kind(),
          channel,
          status,
          attempt,
          detail);
    }
    try {
      outcomes.accept(outcome);
    } catch (RuntimeException e) {
      LOG.warn("the alert delivery callback failed", e);
    }
  }
}
