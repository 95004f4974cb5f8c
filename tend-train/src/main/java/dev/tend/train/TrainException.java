package dev.tend.train;

/**
 * Training or a model could not be used: bad options, a missing column, a label that does not fit
 * the task, too few rows, an unreadable model directory, or an XGBoost failure. The message says
 * what was wrong and what would be right.
 */
public class TrainException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainException(String message) {
    super(message);
  }

  public TrainException(String message, Throwable cause) {
    super(message, cause);
  }
}
