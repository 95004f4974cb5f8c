package dev.tend.server.http;

/**
 * The stable codes of Tend's problem responses. A code never changes meaning once released; the
 * problem's {@code type} is {@code https://tend.dev/problems/<code>}.
 */
public enum ProblemCode {
  MALFORMED_REQUEST(400, "malformed-request", "Malformed request"),
  UNAUTHORIZED(401, "unauthorized", "Authentication required"),
  FORBIDDEN(403, "forbidden", "Not allowed"),
  NOT_FOUND(404, "not-found", "Not found"),
  METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
  CONFLICT(409, "conflict", "Conflict"),
  IDEMPOTENCY_IN_PROGRESS(409, "idempotency-in-progress", "Request with this key in progress"),
  PAYLOAD_TOO_LARGE(413, "payload-too-large", "Request body too large"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
  VALIDATION_FAILED(422, "validation-failed", "Validation failed"),
  IDEMPOTENCY_KEY_REUSED(422, "idempotency-key-reused", "Idempotency key reused"),
  INTERNAL(500, "internal", "Internal error"),
  PREDICTION_LOG_FULL(503, "prediction-log-full", "Prediction log full; retry later"),
  PREDICTION_LOG_UNAVAILABLE(503, "prediction-log-unavailable", "Prediction log unavailable"),
  MODEL_UNAVAILABLE(503, "model-unavailable", "Model cannot be loaded"),
  /* Feedback and external predictions. */
  UNKNOWN_PREDICTION(422, "unknown-prediction", "Unknown prediction"),
  /* Prediction inputs refused by the serving protocols; same names as their ErrorCode. */
  MALFORMED_JSON(400, "malformed-json", "Malformed JSON"),
  BAD_ENVELOPE(400, "bad-envelope", "Unexpected request shape"),
  MISSING_FIELD(400, "missing-field", "Missing input field"),
  UNKNOWN_FIELD(400, "unknown-field", "Unknown input field"),
  WRONG_TYPE(400, "wrong-type", "Wrongly typed input"),
  NON_FINITE(400, "non-finite", "NaN or infinity not allowed"),
  NULL_NOT_ALLOWED(400, "null-not-allowed", "Null not allowed"),
  RAGGED(400, "ragged", "Rows of different lengths"),
  BAD_DATATYPE(400, "bad-datatype", "Unsuitable tensor datatype"),
  BAD_SHAPE(400, "bad-shape", "Unsuitable tensor shape"),
  BAD_ID(400, "bad-id", "Unusable prediction id"),
  BATCH_SIZE(400, "batch-size", "Batch size out of range");

  /** Prefix of every problem type URI. */
  public static final String TYPE_PREFIX = "https://tend.dev/problems/";

  private final int status;
  private final String code;
  private final String title;

  ProblemCode(int status, String code, String title) {
    this.status = status;
    this.code = code;
    this.title = title;
  }

  public int status() {
    return status;
  }

  /** The stable, kebab-case code, such as {@code not-found}. */
  public String code() {
    return code;
  }

  public String title() {
    return title;
  }

  public String type() {
    return TYPE_PREFIX + code;
  }
}
