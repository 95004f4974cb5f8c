package dev.tend.pipelines;

import dev.tend.store.StoreException;

/**
 * The caller no longer holds the run's lease (it expired and another process may have claimed the
 * run); nothing was changed and the caller must stop working on the run.
 */
public final class LeaseLostException extends StoreException {
  private static final long serialVersionUID = 1L;

  public LeaseLostException(String runId, String owner) {
    super("process " + owner + " no longer holds the lease of pipeline run " + runId);
  }
}
