package dev.tend.source;

/**
 * Root of the unchecked exceptions of tend-data: a dataset could not be found, read, or queried.
 * Messages name the source and what was being done, so no stack trace is needed to act on them.
 */
public class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
