package dev.tend.store;

/**
 * The change clashes with the current state: a name already taken (a unique violation), a version
 * that is no longer pending, or an alias move the rules refuse without {@code forced}.
 */
public class ConflictException extends StoreException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String message) {
    super(message);
  }

  public ConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
