package dev.tend.cli.remote;

/**
 * A request to the Tend server did not succeed: the server answered with a problem, or could not be
 * reached. The message is one line (plus field errors) fit for a user; {@link #exitCode()} says
 * whose fault it was.
 */
public abstract sealed class RemoteException extends RuntimeException
    permits ProblemException, UnreachableException, IntegrityException {
  private static final long serialVersionUID = 1L;

  RemoteException(String message, Throwable cause) {
    super(message, cause);
  }

  /** 2 when the request was wrong (a 4xx answer), 3 when the server or the network failed. */
  public abstract int exitCode();
}
