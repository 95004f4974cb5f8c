package dev.tend.serving.log;

/**
 * The log's queue stayed full for the whole append timeout: predictions arrive faster than the disk
 * takes them. The caller should shed load (HTTP 503 with Retry-After) rather than wait longer.
 */
public final class PredictionLogFullException extends PredictionLogException {
  private static final long serialVersionUID = 1L;

  public PredictionLogFullException(String message) {
    super(message);
  }
}
