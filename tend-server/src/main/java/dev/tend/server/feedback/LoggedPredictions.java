package dev.tend.server.feedback;

import dev.tend.serving.log.PredictionRecord;
import java.util.List;

/**
 * Sees the predictions an application logs through {@code POST /projects/{project}/predictions}
 * around their append: the monitor takes those older than what it has ingested (past timestamps)
 * into its windows once they are durable. Thread-safe.
 */
@FunctionalInterface
public interface LoggedPredictions {
  /** Appends nothing but what {@code append} does. */
  LoggedPredictions NONE = (records, append) -> append.run();

  /**
   * Runs {@code append}, which returns once {@code records} are durable, and takes note of them.
   */
  void log(List<PredictionRecord> records, Runnable append);
}
