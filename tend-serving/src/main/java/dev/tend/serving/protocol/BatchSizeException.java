package dev.tend.serving.protocol;

import java.util.Optional;
import java.util.OptionalInt;

/** A request with no rows, or with more than {@link DecodeLimits#maxRows()}. */
public final class BatchSizeException extends ServingProtocolException {
  private static final long serialVersionUID = 1L;

  private final long rows;
  private final int limit;

  BatchSizeException(long rows, int limit) {
    super(
        ErrorCode.BATCH_SIZE,
        OptionalInt.empty(),
        Optional.empty(),
        rows == 0
            ? "the request carries no rows; send at least one"
            : "the request carries "
                + rows
                + " rows, more than the limit of "
                + limit
                + " per request; split it into smaller batches");
    this.rows = rows;
    this.limit = limit;
  }

  static void check(long rows, DecodeLimits limits) {
    if (rows == 0 || rows > limits.maxRows()) {
      throw new BatchSizeException(rows, limits.maxRows());
    }
  }

  /** The number of rows the request carried. */
  public long rows() {
    return rows;
  }

  /** The configured limit. */
  public int limit() {
    return limit;
  }
}
