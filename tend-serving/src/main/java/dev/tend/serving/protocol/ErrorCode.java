package dev.tend.serving.protocol;

import java.util.Locale;

/** Stable codes of bad requests, for the {@code code} member of a problem+json answer. */
public enum ErrorCode {
  /** The body is not JSON, has duplicate keys, or holds NaN or Infinity tokens. */
  MALFORMED_JSON,
  /** The JSON is well formed but not one of the protocol's accepted shapes. */
  BAD_ENVELOPE,
  /** A signature input is absent from a row or from the tensors. */
  MISSING_FIELD,
  /** A row or tensor names a field the signature does not have. */
  UNKNOWN_FIELD,
  /** A value of the wrong JSON type, or out of range, for its field. */
  WRONG_TYPE,
  /** NaN or an infinity where the field does not allow it. */
  NON_FINITE,
  /** A null for a required field. */
  NULL_NOT_ALLOWED,
  /** Rows or columns of different lengths. */
  RAGGED,
  /** An Open Inference tensor datatype that is unknown or does not suit the field. */
  BAD_DATATYPE,
  /** An Open Inference tensor whose shape does not fit its data or the signature. */
  BAD_SHAPE,
  /** A prediction id that is not a usable string or repeats within the request. */
  BAD_ID,
  /** More rows than the configured limit, or none at all. */
  BATCH_SIZE;

  /** The code as written in problem+json: lower case with dashes, e.g. {@code missing-field}. */
  public String slug() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
