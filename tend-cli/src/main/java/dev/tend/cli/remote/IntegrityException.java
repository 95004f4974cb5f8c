package dev.tend.cli.remote;

/**
 * What the server sent is not what it promised: a download whose size or SHA-256 differs from the
 * version's manifest, or a manifest naming a path outside the target folder. Nothing was written.
 */
public final class IntegrityException extends RemoteException {
  private static final long serialVersionUID = 1L;

  public IntegrityException(String message) {
    super(message, null);
  }

  @Override
  public int exitCode() {
    return 3;
  }
}
