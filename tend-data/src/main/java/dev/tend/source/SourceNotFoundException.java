package dev.tend.source;

import static java.util.Objects.requireNonNull;

/** A file, folder or glob that names no readable data. */
public final class SourceNotFoundException extends DataException {
  private static final long serialVersionUID = 1L;

  private final String location;

  public SourceNotFoundException(String location, String message) {
    super(requireNonNull(location, "location is null") + ": " + message);
    this.location = location;
  }

  /** The path or glob as the user wrote it. */
  public String location() {
    return location;
  }
}
