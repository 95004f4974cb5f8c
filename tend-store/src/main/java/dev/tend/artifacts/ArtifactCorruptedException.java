package dev.tend.artifacts;

import static java.util.Objects.requireNonNull;

/**
 * A stored blob no longer matches its SHA-256 name (bit rot, truncation, or a hand-edited file).
 * Deleting it and storing the original content again repairs it (a put alone repairs only a blob
 * whose size changed, since a put trusts a stored blob of the right name and size).
 */
public final class ArtifactCorruptedException extends ArtifactException {
  private static final long serialVersionUID = 1L;

  private final String sha256;

  public ArtifactCorruptedException(String sha256, String message) {
    super("blob " + sha256 + " is corrupted: " + message);
    this.sha256 = requireNonNull(sha256, "sha256 is null");
  }

  /** The SHA-256 name of the corrupted blob. */
  public String sha256() {
    return sha256;
  }
}
