package dev.tend.source;

import static java.util.Objects.requireNonNull;

/**
 * A data file that does not parse: a row with the wrong number of fields, an unterminated quote,
 * bytes that are not valid in the declared encoding. Carries the file and the 1-based line.
 */
public final class MalformedInputException extends DataException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;
  private final String reason;

  /**
   * @param line 1-based physical line in the file (the header is line 1), or 0 when unknown
   */
  public MalformedInputException(String file, long line, String reason, Throwable cause) {
    super(describe(file, line, reason), cause);
    this.file = requireNonNull(file, "file is null");
    this.line = line;
    this.reason = requireNonNull(reason, "reason is null");
  }

  public String file() {
    return file;
  }

  /** The 1-based line of the offending row, or 0 when the reader could not tell. */
  public long line() {
    return line;
  }

  public String reason() {
    return reason;
  }

  private static String describe(String file, long line, String reason) {
    return line > 0 ? file + ", line " + line + ": " + reason : file + ": " + reason;
  }
}
