package dev.tend.cli.demo;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * How the demo runs: the share of each week replayed, the monitor window one simulated week takes,
 * which week's feed breaks, how much of January trains the first model, which weeks are replayed.
 *
 * @param sample share of each week's flights sent as traffic (0 to 1]
 * @param window one simulated week: the monitor window, in whole seconds
 * @param brokenWeek the 0-based week whose feed breaks
 * @param januaryFraction share of January pushed as version 1 (1 = all of it)
 * @param lastWeek the 0-based last week replayed
 * @param port the server's port (0: any free port)
 */
record DemoSettings(
    double sample,
    Duration window,
    int brokenWeek,
    double januaryFraction,
    int lastWeek,
    int port) {
  /** The full scenario: February to June, 15% of the flights, 8 s a week. */
  static final DemoSettings FULL =
      new DemoSettings(0.15, Duration.ofSeconds(8), 2, 1.0, DemoData.WEEKS - 1, 0);

  /** The end-to-end test's: all of January trains, 5% of each week is replayed, 4 s a week. */
  static final DemoSettings QUICK =
      new DemoSettings(0.05, Duration.ofSeconds(4), 2, 1.0, DemoData.WEEKS - 1, 0);

  DemoSettings {
    requireNonNull(window, "window is null");
    if (!(sample > 0 && sample <= 1)) {
      throw new IllegalArgumentException("--sample must be above 0 and at most 1, got " + sample);
    }
    if (window.toSeconds() < 2 || window.toNanos() % 1_000_000_000L != 0) {
      throw new IllegalArgumentException(
          "--window must be at least 2 (seconds), got " + window.toSeconds());
    }
    if (brokenWeek < 0 || brokenWeek >= DemoData.WEEKS) {
      throw new IllegalArgumentException("brokenWeek out of range: " + brokenWeek);
    }
    if (!(januaryFraction > 0 && januaryFraction <= 1)) {
      throw new IllegalArgumentException(
          "--january must be above 0 and at most 1, got " + januaryFraction);
    }
    if (lastWeek <= brokenWeek || lastWeek >= DemoData.WEEKS) {
      throw new IllegalArgumentException(
          "--weeks must be between "
              + (brokenWeek + 2)
              + " (past the broken feed) and "
              + DemoData.WEEKS
              + ", got "
              + (lastWeek + 1));
    }
  }

  /** The weeks replayed, in order. */
  List<DemoData.Week> weeks(List<DemoData.Week> all) {
    return all.subList(0, lastWeek + 1);
  }
}
