package dev.tend.serving.log;

/**
 * A log file holds bytes that no crash of Tend could have left: a damaged record in a sealed
 * segment, or a file written by an unknown format version. The message names the file and offset.
 */
public final class PredictionLogCorruptedException extends PredictionLogException {
  private static final long serialVersionUID = 1L;

  public PredictionLogCorruptedException(String message) {
    super(message);
  }

  public PredictionLogCorruptedException(String message, Throwable cause) {
    super(message, cause);
  }
}
