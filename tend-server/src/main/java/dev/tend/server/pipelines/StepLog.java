package dev.tend.server.pipelines;

import dev.tend.pipelines.PipelineRepository;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A step's log: lines are buffered and written to the run's log in the metadata database every
 * {@value #FLUSH_LINES} lines and at each {@link #flush()} (the runner flushes every second), so a
 * reader following the log sees them while the step runs. Thread-safe (a command's stdout and
 * stderr readers write at once).
 */
final class StepLog {
  static final int FLUSH_LINES = 200;

  private final PipelineRepository repository;
  private final String runId;
  private final String stepId;
  private final List<String> stdout = new ArrayList<>();
  private final List<String> stderr = new ArrayList<>();
  private final List<String> tend = new ArrayList<>();
  private final Object flushLock = new Object();

  StepLog(PipelineRepository repository, String runId, String stepId) {
    this.repository = repository;
    this.runId = runId;
    this.stepId = stepId;
  }

  /** A line of Tend's own about the step. */
  void info(String line) {
    add("tend", line);
  }

  /** A line of a stream: {@code stdout}, {@code stderr} or {@code tend}. */
  void add(String stream, String line) {
    boolean full;
    synchronized (this) {
      List<String> buffer = buffer(stream);
      buffer.add(line);
      full = buffer.size() >= FLUSH_LINES;
    }
    if (full) {
      flush();
    }
  }

  /** Writes the buffered lines; flushes from several threads keep the lines in order. */
  void flush() {
    synchronized (flushLock) {
      write();
    }
  }

  private void write() {
    List<String> out;
    List<String> err;
    List<String> own;
    synchronized (this) {
      out = List.copyOf(stdout);
      err = List.copyOf(stderr);
      own = List.copyOf(tend);
      stdout.clear();
      stderr.clear();
      tend.clear();
    }
    Instant now = Instant.now();
    if (!own.isEmpty()) {
      repository.appendLog(runId, stepId, "tend", own, now);
    }
    if (!out.isEmpty()) {
      repository.appendLog(runId, stepId, "stdout", out, now);
    }
    if (!err.isEmpty()) {
      repository.appendLog(runId, stepId, "stderr", err, now);
    }
  }

  private List<String> buffer(String stream) {
    return switch (stream) {
      case "stdout" -> stdout;
      case "stderr" -> stderr;
      default -> tend;
    };
  }
}
