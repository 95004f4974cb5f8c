package dev.tend.checks;

import static java.util.Objects.requireNonNull;

/** Where something was declared in a suite file, for messages that point at it. */
public record SourceLocation(String file, int line, int column) {
  public static final SourceLocation UNKNOWN = new SourceLocation("", 0, 0);

  public SourceLocation {
    requireNonNull(file, "file is null");
  }

  @Override
  public String toString() {
    if (line <= 0) {
      return file;
    }
    return file + ":" + line + ":" + column;
  }
}
