package dev.tend.serving.protocol;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A request the serving protocols refuse: the root of the protocol package's exceptions. The HTTP
 * layer answers it with 400 problem+json carrying {@link #code()} and the message, which names the
 * row (counted from 0, as the JSON array index) and the field where one applies.
 */
public class ServingProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final OptionalInt row;
  private final Optional<String> field;

  public ServingProtocolException(
      ErrorCode code, OptionalInt row, Optional<String> field, String message) {
    super(message);
    this.code = requireNonNull(code, "code is null");
    this.row = requireNonNull(row, "row is null");
    this.field = requireNonNull(field, "field is null");
  }

  public ServingProtocolException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = requireNonNull(code, "code is null");
    this.row = OptionalInt.empty();
    this.field = Optional.empty();
  }

  public ErrorCode code() {
    return code;
  }

  /** The row at fault, counted from 0, when the error is about one row. */
  public OptionalInt row() {
    return row;
  }

  /** The field at fault, when the error is about one field. */
  public Optional<String> field() {
    return field;
  }
}
