package dev.tend.artifacts;

/**
 * Uploaded content did not have the size or SHA-256 the caller said it would have; nothing was
 * stored. Usually a truncated or altered upload: retrying with the right content succeeds.
 */
public final class ArtifactMismatchException extends ArtifactException {
  private static final long serialVersionUID = 1L;

  public ArtifactMismatchException(String message) {
    super(message);
  }
}
