package dev.tend.artifacts;

/** Uploaded content exceeded the store's size limit per blob; nothing was stored. */
public final class ArtifactTooLargeException extends ArtifactException {
  private static final long serialVersionUID = 1L;

  private final long limit;

  public ArtifactTooLargeException(long limit) {
    super("content exceeds the limit of " + limit + " bytes per blob; nothing was stored");
    this.limit = limit;
  }

  /** The limit in bytes that was exceeded. */
  public long limit() {
    return limit;
  }
}
