package dev.tend.serving.protocol;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A well-formed request whose values do not fit the model's signature: a missing, unknown or
 * wrongly typed field, a null where a value is required, NaN where it is not allowed, ragged
 * columns or a tensor of the wrong datatype or shape.
 */
public final class SignatureViolationException extends ServingProtocolException {
  private static final long serialVersionUID = 1L;

  public SignatureViolationException(
      ErrorCode code, OptionalInt row, Optional<String> field, String message) {
    super(code, row, field, message);
  }

  static SignatureViolationException at(ErrorCode code, int row, String field, String problem) {
    return at(code, row, field, "", problem);
  }

  static SignatureViolationException at(
      ErrorCode code, int row, String field, String where, String problem) {
    return new SignatureViolationException(
        code,
        OptionalInt.of(row),
        Optional.of(field),
        "row " + row + ", field '" + field + "'" + where + ": " + problem);
  }

  static SignatureViolationException field(ErrorCode code, String field, String message) {
    return new SignatureViolationException(code, OptionalInt.empty(), Optional.of(field), message);
  }

  static SignatureViolationException row(ErrorCode code, int row, String message) {
    return new SignatureViolationException(code, OptionalInt.of(row), Optional.empty(), message);
  }

  static SignatureViolationException general(ErrorCode code, String message) {
    return new SignatureViolationException(code, OptionalInt.empty(), Optional.empty(), message);
  }
}
