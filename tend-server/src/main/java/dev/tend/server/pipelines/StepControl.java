package dev.tend.server.pipelines;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stops a running step from another thread: a cancellation, a time limit or a lost lease sets the
 * reason once, interrupts the step's thread and runs the step's stop hooks (killing a process).
 * Steps call {@link #check()} between units of work. Thread-safe.
 */
final class StepControl {
  private final Thread thread;
  private final List<Runnable> onStop = new CopyOnWriteArrayList<>();
  private volatile String stopReason;

  StepControl(Thread thread) {
    this.thread = thread;
  }

  /** Stops the step; the first reason wins. */
  void stop(String reason) {
    synchronized (this) {
      if (stopReason != null) {
        return;
      }
      stopReason = reason;
    }
    for (Runnable hook : onStop) {
      hook.run();
    }
    thread.interrupt();
  }

  /** Runs {@code hook} when the step is stopped, at once if it already was. */
  void onStop(Runnable hook) {
    onStop.add(hook);
    if (stopReason != null) {
      hook.run();
    }
  }

  Optional<String> stopReason() {
    return Optional.ofNullable(stopReason);
  }

  /** Throws when the step was stopped. */
  void check() throws StepFailure {
    String reason = stopReason;
    if (reason != null) {
      throw StepFailure.of(reason);
    }
  }
}
