package dev.tend.monitor;

/**
 * Bytes that are not a Tend window sketch, are corrupted, or were written by a newer format
 * version.
 */
public class WindowSketchFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WindowSketchFormatException(String message) {
    super(message);
  }

  public WindowSketchFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
