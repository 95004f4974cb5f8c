package dev.tend.server.alerting.channel;

/**
 * A channel did not deliver an event. {@link #retryable()} says whether trying again later may
 * help: a time-out, a refused connection or a 5xx/429 answer may pass, a 4xx answer or a refused
 * recipient will not.
 */
public final class DeliveryException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public DeliveryException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public DeliveryException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
