package dev.tend.cli;

import dev.tend.engine.Dataset;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * A one-line progress indicator on standard error while a long run works, shown only when standard
 * error is a terminal ({@code ./tend} sets {@code TEND_STDERR_TTY}); never when output is piped.
 */
public final class Progress implements AutoCloseable {
  private static final String[] FRAMES = {"|", "/", "-", "\\"};

  private final PrintWriter err;
  private volatile String label;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Supplier<OptionalDouble> source = OptionalDouble::empty;

  private Progress(PrintWriter err, String label, boolean enabled) {
    this.err = err;
    this.label = label;
    this.thread =
        enabled ? Thread.ofPlatform().daemon().name("tend-progress").unstarted(this::spin) : null;
    if (thread != null) {
      thread.start();
    }
  }

  public static Progress start(PrintWriter err, String label) {
    return new Progress(err, label, "1".equals(System.getenv("TEND_STDERR_TTY")));
  }

  private void spin() {
    long start = System.nanoTime();
    int frame = 0;
    try {
      Thread.sleep(400);
      while (running) {
        double seconds = (System.nanoTime() - start) / 1e9;
        OptionalDouble percent = source.get();
        String bar = percent.isPresent() ? "  " + bar(percent.getAsDouble()) : "";
        synchronized (err) {
          err.printf(
              Locale.ROOT,
              "\r\033[2K%s %s%s  %.1f s ",
              FRAMES[frame++ % FRAMES.length],
              label,
              bar,
              seconds);
          err.flush();
        }
        Thread.sleep(120);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Shows the progress the engine reports for the statement it is running. */
  public void track(Dataset dataset) {
    source = dataset::progress;
  }

  /** Shows what is being done now, with how far it has got in percent when known. */
  public void show(String label, Supplier<OptionalDouble> percent) {
    this.label = label;
    this.source = percent;
  }

  static String bar(double percent) {
    int width = 24;
    int filled = (int) Math.round(percent / 100 * width);
    return "["
        + "#".repeat(Math.max(0, Math.min(width, filled)))
        + ".".repeat(Math.max(0, width - filled))
        + String.format(Locale.ROOT, "] %3.0f%%", percent);
  }

  /** Stops and clears the line. */
  public void done() {
    if (thread == null || !running) {
      running = false;
      return;
    }
    running = false;
    thread.interrupt();
    try {
      thread.join(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (err) {
      err.print("\r\033[2K");
      err.flush();
    }
  }

  @Override
  public void close() {
    done();
  }
}
