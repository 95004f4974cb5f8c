package dev.tend.server.ui;

/**
 * A request the UI refuses, shown to the user as an error page with {@link #status()} and the
 * message; nothing was changed.
 */
public final class UiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  private UiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static UiException badRequest(String message) {
    return new UiException(400, message);
  }

  public static UiException forbidden(String message) {
    return new UiException(403, message);
  }

  public static UiException notFound(String message) {
    return new UiException(404, message);
  }

  public static UiException conflict(String message) {
    return new UiException(409, message);
  }

  public static UiException of(int status, String message) {
    if (status < 400 || status > 499) {
      throw new IllegalArgumentException("a refused request has a 4xx status: " + status);
    }
    return new UiException(status, message);
  }
}
