package dev.tend.serving.log;

/**
 * The prediction log could not take, keep or read a prediction. Subtypes name the failures a caller
 * answers differently; anything else, such as a full disk, is this type with the underlying
 * exception as cause. The HTTP layer answers all of them with 503: the prediction was not logged,
 * so it must not be answered.
 */
public sealed class PredictionLogException extends RuntimeException
    permits PredictionLogFullException, PredictionLogCorruptedException {
  private static final long serialVersionUID = 1L;

  public PredictionLogException(String message) {
    super(message);
  }

  public PredictionLogException(String message, Throwable cause) {
    super(message, cause);
  }
}
