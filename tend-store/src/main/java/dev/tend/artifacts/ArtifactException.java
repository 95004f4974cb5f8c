package dev.tend.artifacts;

/**
 * An artifact could not be stored, read or checked. Subtypes name the failures a caller may want to
 * answer differently (an HTTP edge maps them to distinct problem codes); anything else, such as a
 * full disk or a permission error, is this type with the underlying {@code IOException} as cause.
 */
public sealed class ArtifactException extends RuntimeException
    permits ArtifactNotFoundException,
        ArtifactMismatchException,
        ArtifactTooLargeException,
        ArtifactCorruptedException {
  private static final long serialVersionUID = 1L;

  public ArtifactException(String message) {
    super(message);
  }

  public ArtifactException(String message, Throwable cause) {
    super(message, cause);
  }
}
