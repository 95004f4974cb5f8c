package dev.tend.suite;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.SourceLocation;

/**
 * A suite file that cannot be used: unreadable, invalid YAML, an unknown check kind or key, a bad
 * value, an expression outside the allow-list, or a column the data does not have. The message
 * points at the file, line and column.
 */
public class SuiteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient SourceLocation location;

  public SuiteException(SourceLocation location, String message) {
    super(message);
    this.location = requireNonNull(location, "location is null");
  }

  public SourceLocation location() {
    return location;
  }

  /** {@code file:line:column: message}. */
  public String describe() {
    String where = location.toString();
    return where.isEmpty() ? getMessage() : where + ": " + getMessage();
  }
}
