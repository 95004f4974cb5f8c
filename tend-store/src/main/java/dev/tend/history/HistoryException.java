package dev.tend.history;

/** The metric history could not be opened, read or written. */
public class HistoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HistoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
