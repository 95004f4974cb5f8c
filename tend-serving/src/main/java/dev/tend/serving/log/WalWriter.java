package dev.tend.serving.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/*
 * Group commit. Appenders encode their record, take its size from a byte budget (blocking up to the
 * append timeout when the budget is spent) and enqueue it with a future. One writer thread takes
 * everything queued (up to a batch limit), writes it with one gathering write, fsyncs once, then
 * completes the batch's futures and returns its bytes to the budget. Records arriving during an
 * fsync form the next batch, so the fsync's cost is shared by all of them.
 *
 * The budget is returned only after the fsync, so queued plus in-flight bytes never exceed
 * maxQueuedBytes. The closing lock makes "check closed, enqueue" atomic against close, so no
 * entry is enqueued after the writer's final drain.
 */
final class WalWriter {
  /** Makes written bytes durable; the real one is {@code channel.force(false)}. */
  interface Durability {
    void force(FileChannel channel) throws IOException;
  }

  /** The durable end of the log: segment {@code segmentId} holds records up to {@code length}. */
  record Committed(long segmentId, long length) {}

  private sealed interface Entry permits Append, Roll, Close {}

  private record Append(ByteBuffer frame, CompletableFuture<Void> done) implements Entry {}

  private record Roll(CompletableFuture<Void> done) implements Entry {}

  private record Close(CompletableFuture<Void> done) implements Entry {}

  private final Path walDirectory;
  private final PredictionLogOptions options;
  private final Durability durability;
  private final Semaphore budget;
  private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
  private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
  private final Thread thread;
  private boolean closed;
  private volatile PredictionLogException failure;
  private volatile Committed committed;

  private FileChannel channel;
  /* Bytes written to the channel but not yet forced (with a sync interval only). */
  private boolean unsynced;
  private long lastSyncNanos = System.nanoTime();
  private long segmentId;
  private long position;
  private long segmentOpenedNanos;

  private WalWriter(
      Path walDirectory, long firstSegmentId, PredictionLogOptions options, Durability durability)
      throws IOException {
    this.walDirectory = walDirectory;
    this.options = options;
    this.durability = durability;
    this.budget = new Semaphore((int) options.maxQueuedBytes(), true);
    openSegment(firstSegmentId);
    this.thread = new Thread(this::run, "tend-prediction-log-writer");
    thread.setDaemon(true);
  }

  /** Starts writing into a new segment {@code firstSegmentId}. */
  static WalWriter start(
      Path walDirectory, long firstSegmentId, PredictionLogOptions options, Durability durability)
      throws IOException {
    WalWriter writer = new WalWriter(walDirectory, firstSegmentId, options, durability);
    writer.thread.start();
    return writer;
  }

  Committed committed() {
    return committed;
  }

  /** Bytes taken from the budget: queued records and the batch being written. */
  long queuedBytes() {
    return options.maxQueuedBytes() - budget.availablePermits();
  }

  CompletableFuture<Void> append(PredictionRecord record) {
    return appendAll(List.of(record));
  }

  /* All of the records' bytes are taken from the budget at once, so either all are queued or none. */
  CompletableFuture<Void> appendAll(List<PredictionRecord> records) {
    PredictionLogException failed = failure;
    if (failed != null) {
      throw failed;
    }
    if (records.isEmpty()) {
      throw new IllegalArgumentException("no predictions to append");
    }
    List<ByteBuffer> frames = new ArrayList<>(records.size());
    long total = 0;
    for (PredictionRecord record : records) {
      ByteBuffer frame = RecordCodec.encode(record);
      frames.add(frame);
      total += frame.remaining();
    }
    String what =
        records.size() == 1
            ? "the prediction " + records.getFirst().predictionId()
            : "the " + records.size() + " predictions from " + records.getFirst().predictionId();
    if (total > options.maxQueuedBytes()) {
      throw new IllegalArgumentException(
          what
              + (records.size() == 1 ? " takes " : " take ")
              + total
              + " bytes, more than the log's whole queue ("
              + options.maxQueuedBytes()
              + ")");
    }
    int bytes = (int) total;
    try {
      if (!budget.tryAcquire(bytes, options.appendTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
        throw new PredictionLogFullException(
            "the prediction log's queue stayed full ("
                + options.maxQueuedBytes()
                + " bytes waiting for the disk) for "
                + options.appendTimeout().toMillis()
                + " ms; "
                + (records.size() == 1
                    ? "prediction " + records.getFirst().predictionId() + " was not logged"
                    : what + " were not logged"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PredictionLogException(
          "interrupted while waiting for room in the prediction log", e);
    }
    List<CompletableFuture<Void>> done = new ArrayList<>(frames.size());
    closing.readLock().lock();
    try {
      if (closed) {
        budget.release(bytes);
        throw new PredictionLogException("the prediction log is closed");
      }
      for (ByteBuffer frame : frames) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        done.add(future);
        queue.add(new Append(frame, future));
      }
    } finally {
      closing.readLock().unlock();
    }
    return done.size() == 1
        ? done.getFirst()
        : CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
  }

  /** Seals the current segment (if it holds records) once everything queued before is durable. */
  CompletableFuture<Void> roll() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    enqueueControl(new Roll(done));
    return done;
  }

  /** Writes everything queued, seals the segment and stops the writer thread. */
  void close() throws InterruptedException {
    CompletableFuture<Void> done = new CompletableFuture<>();
    closing.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(new Close(done));
    } finally {
      closing.writeLock().unlock();
    }
    thread.join();
  }

  private void enqueueControl(Entry entry) {
    closing.readLock().lock();
    try {
      if (closed) {
        throw new PredictionLogException("the prediction log is closed");
      }
      queue.add(entry);
    } finally {
      closing.readLock().unlock();
    }
  }

  private void run() {
    List<Append> batch = new ArrayList<>();
    long ageCheckNanos = Math.min(options.rollInterval().toNanos(), TimeUnit.SECONDS.toNanos(1));
    if (options.syncInterval().isPositive()) {
      ageCheckNanos = Math.min(ageCheckNanos, options.syncInterval().toNanos());
    }
    while (true) {
      Entry first;
      try {
        first = queue.poll(ageCheckNanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        continue; // only close() stops the writer
      }
      if (first == null) {
        syncIfDue();
        rollIfOld();
        continue;
      }
      Entry control = first instanceof Append append ? collect(append, batch) : first;
      if (!batch.isEmpty()) {
        writeBatch(batch);
        batch.clear();
      }
      switch (control) {
        case null -> {}
        case Append ignored -> throw new AssertionError("collect returns controls only");
        case Roll roll -> complete(roll.done(), this::rollSegment);
        case Close close -> {
          try {
            sync();
            channel.close();
            close.done().complete(null);
          } catch (IOException e) {
            close.done().completeExceptionally(e);
          }
          return;
        }
      }
      if (position >= options.segmentBytes()) {
        complete(new CompletableFuture<>(), this::rollSegment);
      } else {
        syncIfDue();
        rollIfOld();
      }
    }
  }

  /* Takes appends queued behind first up to the batch limits; returns a control entry met. */
  private Entry collect(Append first, List<Append> batch) {
    batch.add(first);
    long bytes = first.frame().remaining();
    while (batch.size() < options.maxBatchRecords() && bytes < options.maxBatchBytes()) {
      Entry next = queue.peek();
      if (next == null) {
        return null;
      }
      queue.poll();
      if (!(next instanceof Append append)) {
        return next;
      }
      batch.add(append);
      bytes += append.frame().remaining();
    }
    return null;
  }

  private void writeBatch(List<Append> batch) {
    long bytes = 0;
    ByteBuffer[] frames = new ByteBuffer[batch.size()];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = batch.get(i).frame();
      bytes += frames[i].remaining();
    }
    PredictionLogException failed = failure;
    if (failed == null) {
      try {
        long written = 0;
        while (written < bytes) {
          written += channel.write(frames);
        }
        if (options.syncInterval().isZero()) {
          durability.force(channel);
        } else {
          unsynced = true;
        }
        position += bytes;
        committed = new Committed(segmentId, position);
      } catch (IOException | RuntimeException e) {
        failed =
            new PredictionLogException(
                "the prediction log cannot write to "
                    + Segments.file(walDirectory, segmentId)
                    + " ("
                    + e.getMessage()
                    + "); it takes no more predictions until the server restarts and recovers it",
                e);
        failure = failed;
      }
    }
    budget.release((int) bytes);
    for (Append append : batch) {
      if (failed == null) {
        append.done().complete(null);
      } else {
        append.done().completeExceptionally(failed);
      }
    }
  }

  private interface SegmentAction {
    void run() throws IOException;
  }

  private void complete(CompletableFuture<Void> done, SegmentAction action) {
    if (failure != null) {
      done.completeExceptionally(failure);
      return;
    }
    try {
      action.run();
      done.complete(null);
    } catch (IOException | RuntimeException e) {
      failure =
          new PredictionLogException(
              "the prediction log cannot seal or open a segment in "
                  + walDirectory
                  + " ("
                  + e.getMessage()
                  + "); it takes no more predictions until the server restarts and recovers it",
              e);
      done.completeExceptionally(failure);
    }
  }

  private void rollIfOld() {
    if (position > Segments.HEADER_BYTES
        && System.nanoTime() - segmentOpenedNanos >= options.rollInterval().toNanos()) {
      complete(new CompletableFuture<>(), this::rollSegment);
    }
  }

  /* With a sync interval: forces what was written once the interval has passed since the last force. */
  private void syncIfDue() {
    if (unsynced && System.nanoTime() - lastSyncNanos >= options.syncInterval().toNanos()) {
      complete(new CompletableFuture<>(), this::sync);
    }
  }

  private void sync() throws IOException {
    if (unsynced) {
      durability.force(channel);
      unsynced = false;
    }
    lastSyncNanos = System.nanoTime();
  }

  private void rollSegment() throws IOException {
    if (position == Segments.HEADER_BYTES) {
      return;
    }
    long next = segmentId + 1;
    sync();
    channel.close();
    openSegment(next);
  }

  private void openSegment(long id) throws IOException {
    channel = Segments.create(walDirectory, id);
    segmentId = id;
    position = Segments.HEADER_BYTES;
    segmentOpenedNanos = System.nanoTime();
    committed = new Committed(id, position);
  }
}
