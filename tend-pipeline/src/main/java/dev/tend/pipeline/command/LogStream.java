package dev.tend.pipeline.command;

import java.util.Locale;

/** Which stream of a command a log line came from. */
public enum LogStream {
  STDOUT,
  STDERR;

  /** {@code stdout} or {@code stderr}, as run logs name them. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
