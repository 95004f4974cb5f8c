package dev.tend.server.serving;

import static java.util.Objects.requireNonNull;

import dev.tend.train.model.Model;
import dev.tend.train.model.Prediction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * Coalesces concurrent predictions on one model into one runtime call. Thread-safe.
 *
 * <p>Each caller queues its rows, then takes the model's lock. Whoever holds the lock runs the
 * oldest queued requests, up to {@code maxRows} rows, in one call and hands every request its own
 * rows' predictions; a caller whose request was run by someone else finds it done when it gets the
 * lock and leaves. A caller that finds the lock free and the queue holding only its request runs at
 * once, so a lone request pays one uncontended lock and nothing else. When one row of a coalesced
 * call is refused, the requests are run again one by one, so the error reaches only the request
 * that sent the row.
 */
final class MicroBatcher {
  private final Model model;
  private final Batching batching;
  private final IntSupplier inFlight;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedRows = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();

  /**
   * @param inFlight how many requests hold the model now (decoding, queued or being answered); a
   *     positive {@code maxDelay} waits only while some of them have not queued yet
   */
  MicroBatcher(Model model, Batching batching, IntSupplier inFlight) {
    this.model = requireNonNull(model, "model is null");
    this.batching = requireNonNull(batching, "batching is null");
    this.inFlight = requireNonNull(inFlight, "inFlight is null");
  }

  /**
   * Predicts {@code rows}, possibly in one runtime call with other callers' rows.
   *
   * @throws IllegalArgumentException naming the column whose value the runtime refuses in these
   *     rows
   */
  List<Prediction> predict(List<Map<String, Object>> rows) {
    if (!batching.enabled() || rows.size() >= batching.maxRows()) {
      return model.predict(rows);
    }
    Pending pending = new Pending(rows);
    queue.add(pending);
    queuedRows.addAndGet(rows.size());
    while (!pending.done) {
      lock.lock();
      try {
        if (!pending.done) {
          runOnce();
        }
      } finally {
        lock.unlock();
      }
    }
    if (pending.error != null) {
      // Rethrown on the caller's thread, with the runtime's message naming the field.
      throw pending.error;
    }
    return pending.predictions;
  }

  /** Requests queued and not yet taken into a call. */
  int queued() {
    return queue.size();
  }

  /* Under the lock: runs the oldest queued requests, up to maxRows rows, as one call. */
  private void runOnce() {
    waitForStragglers();
    List<Pending> batch = new ArrayList<>();
    List<Map<String, Object>> rows = new ArrayList<>();
    Pending next;
    while ((next = queue.peek()) != null
        && (batch.isEmpty() || rows.size() + next.rows.size() <= batching.maxRows())) {
      queue.poll();
      queuedRows.addAndGet(-next.rows.size());
      batch.add(next);
      rows.addAll(next.rows);
    }
    if (batch.size() == 1) {
      runAlone(batch.get(0));
      return;
    }
    List<Prediction> predictions;
    try {
      predictions = model.predict(rows);
    } catch (RuntimeException e) {
      // One request's bad value must not fail the others: run each on its own.
      for (Pending p : batch) {
        runAlone(p);
      }
      return;
    }
    int from = 0;
    for (Pending p : batch) {
      p.complete(List.copyOf(predictions.subList(from, from + p.rows.size())), null);
      from += p.rows.size();
    }
  }

  private void runAlone(Pending pending) {
    try {
      pending.complete(model.predict(pending.rows), null);
    } catch (RuntimeException e) {
      pending.complete(null, e);
    }
  }

  /*
   * With a positive maxDelay, waits while requests that hold the model have not queued yet and the
   * queue has room, at most maxDelay. inFlight counts the caller holding the lock too, which has
   * queued, so a lone request (inFlight 1, queued 1) never waits.
   */
  private void waitForStragglers() {
    long delay = batching.maxDelay().toNanos();
    if (delay == 0) {
      return;
    }
    long deadline = System.nanoTime() + delay;
    while (queuedRows.get() < batching.maxRows()
        && queue.size() < inFlight.getAsInt()
        && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(20_000);
    }
  }

  /* One caller's rows; its fields are written by the lock holder and read after taking the lock. */
  private static final class Pending {
    final List<Map<String, Object>> rows;
    volatile boolean done;
    List<Prediction> predictions;
    RuntimeException error;

    Pending(List<Map<String, Object>> rows) {
      this.rows = rows;
    }

    void complete(List<Prediction> predictions, RuntimeException error) {
      this.predictions = predictions;
      this.error = error;
      this.done = true;
    }
  }
}
