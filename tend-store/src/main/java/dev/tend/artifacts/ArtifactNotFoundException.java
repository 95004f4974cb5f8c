package dev.tend.artifacts;

import static java.util.Objects.requireNonNull;

/** No blob with the requested SHA-256 is stored. */
public final class ArtifactNotFoundException extends ArtifactException {
  private static final long serialVersionUID = 1L;

  private final String sha256;

  public ArtifactNotFoundException(String sha256, String action) {
    super("blob " + sha256 + " not found while trying to " + action);
    this.sha256 = requireNonNull(sha256, "sha256 is null");
  }

  /** The SHA-256 that was asked for. */
  public String sha256() {
    return sha256;
  }
}
