package dev.tend.automation;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.SourceLocation;

/**
 * An automation policy that cannot be used: invalid YAML or JSON, an unknown key, a bad metric,
 * duration or number. The message points at the file, line and column and says what would be right.
 */
public class AutomationPolicyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient SourceLocation location;
  private final String field;

  public AutomationPolicyException(SourceLocation location, String field, String message) {
    super(message);
    this.location = requireNonNull(location, "location is null");
    this.field = requireNonNull(field, "field is null");
  }

  public SourceLocation location() {
    return location;
  }

  /** The key the problem is about, as a path such as {@code gate.metric}; may be empty. */
  public String field() {
    return field;
  }

  /** {@code file:line:column: message}. */
  public String describe() {
    String where = location.toString();
    return where.isEmpty() ? getMessage() : where + ": " + getMessage();
  }
}
