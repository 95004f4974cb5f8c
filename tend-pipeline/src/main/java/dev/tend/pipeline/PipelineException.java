package dev.tend.pipeline;

import static java.util.Objects.requireNonNull;

import dev.tend.checks.SourceLocation;

/**
 * A pipeline file that cannot be used: invalid YAML, an unknown key or step kind, a wrong type, a
 * reference to an unknown step, a cycle in {@code needs}, or a gate condition that does not parse.
 * The message points at the file, line and column.
 */
public class PipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient SourceLocation location;

  public PipelineException(SourceLocation location, String message) {
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
