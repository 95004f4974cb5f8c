package dev.tend.server.mlflow;

import static java.util.Objects.requireNonNull;

/**
 * A failure answered in MLflow's error convention: {@code {"error_code": ..., "message": ...}} with
 * the HTTP status MLflow uses for the code.
 */
final class MlflowError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final String INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE";
  static final String RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST";
  static final String RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS";
  static final String MALFORMED_REQUEST = "MALFORMED_REQUEST";
  static final String UNAUTHENTICATED = "UNAUTHENTICATED";
  static final String PERMISSION_DENIED = "PERMISSION_DENIED";
  static final String INTERNAL_ERROR = "INTERNAL_ERROR";

  private final String code;
  private final int status;

  MlflowError(String code, int status, String message) {
    super(requireNonNull(message, "message is null"));
    this.code = requireNonNull(code, "code is null");
    this.status = status;
  }

  static MlflowError invalid(String message) {
    return new MlflowError(INVALID_PARAMETER_VALUE, 400, message);
  }

  static MlflowError notFound(String message) {
    return new MlflowError(RESOURCE_DOES_NOT_EXIST, 404, message);
  }

  static MlflowError missing(String parameter) {
    return invalid(
        "Missing value for required parameter '"
            + parameter
            + "'. See the API docs for more information about request parameters.");
  }

  String code() {
    return code;
  }

  int status() {
    return status;
  }
}
