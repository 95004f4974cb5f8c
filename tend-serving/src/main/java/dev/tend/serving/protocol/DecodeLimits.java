package dev.tend.serving.protocol;

/**
 * Bounds a decoder enforces before it allocates anything for a request.
 *
 * @param maxRows the most rows one request may carry
 */
public record DecodeLimits(int maxRows) {
  /** The default of at most 10,000 rows per request. */
  public static final DecodeLimits DEFAULT = new DecodeLimits(10_000);

  public DecodeLimits {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be at least 1, got " + maxRows);
    }
  }
}
