package dev.tend.serving.protocol;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A body that is not JSON or not one of the protocol's accepted shapes, independent of the model's
 * signature.
 */
public final class MalformedRequestException extends ServingProtocolException {
  private static final long serialVersionUID = 1L;

  public MalformedRequestException(ErrorCode code, String message) {
    super(code, OptionalInt.empty(), Optional.empty(), message);
  }

  public MalformedRequestException(ErrorCode code, String message, Throwable cause) {
    super(code, message, cause);
  }
}
