package dev.tend.source;

/** A source Tend cannot read: an unknown file extension, a mixed folder, an unknown URL. */
public final class UnsupportedSourceException extends DataException {
  private static final long serialVersionUID = 1L;

  public UnsupportedSourceException(String message) {
    super(message);
  }
}
