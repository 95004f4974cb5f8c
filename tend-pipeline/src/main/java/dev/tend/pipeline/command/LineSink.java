package dev.tend.pipeline.command;

/**
 * Receives a command's output line by line, as the lines come. The runner never calls it from two
 * threads at once and never after {@link CommandRunner#run} returned; an exception it throws is
 * logged and the line dropped, the command keeps running.
 */
@FunctionalInterface
public interface LineSink {
  /** A line without its line ending; at most {@link CommandRunner#MAX_LINE_CHARS} characters. */
  void line(LogStream stream, String line);

  /** Drops every line. */
  static LineSink discard() {
    return (stream, line) -> {};
  }
}
