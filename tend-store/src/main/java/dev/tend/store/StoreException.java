package dev.tend.store;

/**
 * The metadata store could not do what was asked: the root of every exception the store throws, so
 * callers can catch one type. Subtypes say when retrying or changing the request would help.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
