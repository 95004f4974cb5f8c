package dev.tend.profile;

/** Bytes that are not a Tend profile, are corrupted, or were written by a newer format version. */
public class ProfileFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ProfileFormatException(String message) {
    super(message);
  }

  public ProfileFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
