package dev.tend.cli.demo;

import static java.util.Objects.requireNonNull;

import dev.tend.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * Pushes a week's flights, labels included, as a new version of the dataset once its labels are in,
 * through {@code tend data push} as a data engineer's job would: the server profiles the week and
 * judges it with the dataset's suite, and keeps a failing week as a rejected version no pipeline
 * reads. Thread-safe.
 */
final class WeeklyPusher {
  private final Map<String, String> environment;
  private final String dataset;

  WeeklyPusher(Map<String, String> environment, String dataset) {
    this.environment = Map.copyOf(requireNonNull(environment, "environment is null"));
    this.dataset = requireNonNull(dataset, "dataset is null");
  }

  /**
   * The outcome of one push.
   *
   * @param accepted whether the suite passed
   * @param exitCode the command's exit code ({@link Main#OK}, {@link Main#CHECK_FAILED}, other)
   * @param output what the command printed, for the log
   */
  record Pushed(boolean accepted, int exitCode, String output) {
    Pushed {
      requireNonNull(output, "output is null");
    }
  }

  Pushed push(Path week) {
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      int code =
          Main.run(new String[] {"data", "push", dataset, week.toString()}, out, out, environment);
      out.flush();
      return new Pushed(code == Main.OK, code, text.toString());
    }
  }
}
