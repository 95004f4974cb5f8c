package dev.tend.cli.remote;

import java.net.URI;

/** The server could not be reached, or the connection broke before it answered. */
public final class UnreachableException extends RemoteException {
  private static final long serialVersionUID = 1L;

  public UnreachableException(URI server, String reason, Throwable cause) {
    super("cannot reach Tend at " + server + ": " + reason, cause);
  }

  @Override
  public int exitCode() {
    return 3;
  }
}
