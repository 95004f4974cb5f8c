package dev.tend.server.http;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A request failed in a way the client should hear about; the server turns it into an RFC 9457
 * problem response with {@link #code()}. Handlers throw it or one of its subtypes; code in other
 * modules (the store) is adapted to it at the HTTP edge. The {@link #getMessage() message} is the
 * problem's {@code detail}, so it must not contain secrets.
 */
public class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ProblemCode code;
  private final List<FieldError> errors;
  private final Map<String, String> headers;

  public ApiException(ProblemCode code, String detail) {
    this(code, detail, List.of(), Map.of(), null);
  }

  public ApiException(
      ProblemCode code,
      String detail,
      List<FieldError> errors,
      Map<String, String> headers,
      Throwable cause) {
    super(requireNonNull(detail, "detail is null"), cause);
    this.code = requireNonNull(code, "code is null");
    this.errors = List.copyOf(errors);
    this.headers = Map.copyOf(headers);
  }

  public ProblemCode code() {
    return code;
  }

  /** Field-level errors; empty when the problem is about the request as a whole. */
  public List<FieldError> errors() {
    return errors;
  }

  /** Extra response headers, such as {@code WWW-Authenticate} or {@code Allow}. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The thing named in the request does not exist (or the caller may not know it does). */
  public static final class NotFound extends ApiException {
    private static final long serialVersionUID = 1L;

    public NotFound(String detail) {
      super(ProblemCode.NOT_FOUND, detail);
    }
  }

  /** The request clashes with the current state, such as a name already taken. */
  public static final class Conflict extends ApiException {
    private static final long serialVersionUID = 1L;

    public Conflict(String detail) {
      super(ProblemCode.CONFLICT, detail);
    }
  }

  /** Inputs are well-formed but wrong; {@link #errors()} lists each one. */
  public static final class ValidationFailed extends ApiException {
    private static final long serialVersionUID = 1L;

    public ValidationFailed(String detail, List<FieldError> errors) {
      super(ProblemCode.VALIDATION_FAILED, detail, errors, Map.of(), null);
    }

    public ValidationFailed(FieldError error) {
      this(error.message(), List.of(error));
    }
  }

  /** No credentials, or credentials that are not valid. */
  public static final class Unauthorized extends ApiException {
    private static final long serialVersionUID = 1L;

    public Unauthorized(String detail, String wwwAuthenticate) {
      super(
          ProblemCode.UNAUTHORIZED,
          detail,
          List.of(),
          Map.of("WWW-Authenticate", wwwAuthenticate),
          null);
    }
  }

  /** Valid credentials that do not allow this action. */
  public static final class Forbidden extends ApiException {
    private static final long serialVersionUID = 1L;

    public Forbidden(String detail) {
      super(ProblemCode.FORBIDDEN, detail);
    }
  }
}
