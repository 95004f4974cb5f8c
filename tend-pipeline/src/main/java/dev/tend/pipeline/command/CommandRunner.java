package dev.tend.pipeline.command;

import static java.util.Objects.requireNonNull;

import dev.tend.pipeline.command.CommandOutcome.Termination;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command to its end: no shell, only the given environment, standard input from {@code
 * /dev/null}, output streamed line by line to a {@link LineSink}, a timeout and cancellation that
 * stop every process the command started, and the wall time, CPU time and peak memory it used.
 *
 * <p>How a command is stopped: it starts under {@code /usr/bin/setsid} (when present), so it leads
 * a process group and session of its own. On timeout or cancellation the runner sends SIGTERM to
 * its descendants (deepest first), the members of its process groups, then the main process; after
 * the grace period ({@value #DEFAULT_KILL_GRACE_SECONDS} s by default) SIGKILL to whatever is left.
 * Processes left running after the main process exits by itself are stopped the same way, so no
 * step outlives its command. Descendants are found through {@code /proc} (see {@link ProcessTree}),
 * which also gives CPU time (utime + stime of the processes and of the children they waited for,
 * sampled every {@code sampleInterval}) and peak memory (the sum of {@code VmHWM} over the
 * processes alive at a sample, the largest such sum); both can miss what happened after the last
 * sample, at most one interval.
 *
 * <p>Thread-safe: one runner may run many commands at once; each {@link #run} blocks its caller.
 */
public final class CommandRunner {
  /** Longest line handed to a sink; longer ones are cut and end with an ellipsis. */
  public static final int MAX_LINE_CHARS = LineReader.MAX_LINE_CHARS;

  /** Lines of standard error kept for the failure reason. */
  public static final int STDERR_TAIL_LINES = 20;

  static final int DEFAULT_KILL_GRACE_SECONDS = 5;
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);

  private final Duration killGrace;
  private final Duration sampleInterval;

  /** A runner with a 5 s grace between SIGTERM and SIGKILL that samples every 100 ms. */
  public CommandRunner() {
    this(Duration.ofSeconds(DEFAULT_KILL_GRACE_SECONDS), Duration.ofMillis(100));
  }

  public CommandRunner(Duration killGrace, Duration sampleInterval) {
    this.killGrace = requireNonNull(killGrace, "killGrace is null");
    this.sampleInterval = requireNonNull(sampleInterval, "sampleInterval is null");
    if (killGrace.isNegative() || sampleInterval.toMillis() < 1) {
      throw new IllegalArgumentException("killGrace must be >= 0 and sampleInterval >= 1 ms");
    }
  }

  /**
   * Runs {@code spec} until it exits, times out, or {@code cancelled} turns true (polled every
   * sampling interval; interrupting the calling thread cancels too, and the interrupt is kept).
   * Never throws for anything the command does: a program that cannot start is an outcome. A
   * command already cancelled is not started (its outcome has no exit code).
   */
  public CommandOutcome run(CommandSpec spec, LineSink sink, BooleanSupplier cancelled) {
    requireNonNull(spec, "spec is null");
    requireNonNull(sink, "sink is null");
    requireNonNull(cancelled, "cancelled is null");
    Optional<String> problem = startProblem(spec);
    if (problem.isPresent()) {
      return notStarted(problem.get());
    }
    if (cancelled.getAsBoolean()) {
      return new CommandOutcome(
          Termination.CANCELLED,
          OptionalInt.empty(),
          Duration.ZERO,
          Duration.ZERO,
          0,
          List.of(),
          Optional.empty());
    }
    List<String> command = new ArrayList<>();
    boolean setsid = Files.isExecutable(SETSID);
    if (setsid) {
      command.addAll(List.of(SETSID.toString(), "--wait", "--"));
    }
    command.addAll(spec.argv());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(spec.workingDirectory().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().clear();
    builder.environment().putAll(spec.environment());

    long start = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return notStarted(e.getMessage());
    }
    Output output = new Output(sink);
    List<Thread> readers =
        List.of(
            output.reader(LogStream.STDOUT, process.getInputStream(), process.pid()),
            output.reader(LogStream.STDERR, process.getErrorStream(), process.pid()));
    ProcessTree tree = new ProcessTree(process.pid(), setsid);
    boolean interrupted = false;
    Termination termination = Termination.EXITED;
    long deadline = start + spec.timeout().toNanos();
    // Samples come quickly at first (10, 20, 40 ms...) so a short command is measured too.
    long wait = Math.min(10, sampleInterval.toMillis());
    try {
      while (true) {
        try {
          if (process.waitFor(wait, TimeUnit.MILLISECONDS)) {
            break;
          }
          wait = Math.min(2 * wait, sampleInterval.toMillis());
        } catch (InterruptedException e) {
          interrupted = true;
          termination = Termination.CANCELLED;
          break;
        }
        tree.sample(process.isAlive());
        if (cancelled.getAsBoolean()) {
          termination = Termination.CANCELLED;
          break;
        }
        if (System.nanoTime() - deadline > 0) {
          termination = Termination.TIMED_OUT;
          break;
        }
      }
    } catch (RuntimeException | Error e) {
      // The caller's cancellation check failed: the command must not outlive this call.
      stop(process, tree);
      output.finish(readers, killGrace.plusSeconds(1));
      throw e;
    }
    if (termination != Termination.EXITED) {
      LOG.info(
          "stopping command {} (pid {}): {}",
          spec.argv().get(0),
          process.pid(),
          termination.name().toLowerCase(Locale.ROOT));
      interrupted |= stop(process, tree);
    }
    interrupted |= awaitExit(process);
    Duration wall = Duration.ofNanos(System.nanoTime() - start);
    int exitCode = process.exitValue();

    tree.sample(false);
    if (!tree.live().isEmpty()) {
      LOG.info(
          "command {} (pid {}) exited and left processes {} running; stopping them",
          spec.argv().get(0),
          process.pid(),
          tree.live());
      interrupted |= stop(process, tree);
    }
    interrupted |= output.finish(readers, killGrace.plusSeconds(1));
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return new CommandOutcome(
        termination,
        OptionalInt.of(exitCode),
        wall,
        tree.cpu(),
        tree.peakBytes(),
        output.stderrTail(),
        Optional.empty());
  }

  private static CommandOutcome notStarted(String why) {
    return new CommandOutcome(
        Termination.NOT_STARTED,
        OptionalInt.empty(),
        Duration.ZERO,
        Duration.ZERO,
        0,
        List.of(),
        Optional.of(why));
  }

  /** Why the program could not be executed, checked as the operating system would. */
  static Optional<String> startProblem(CommandSpec spec) {
    Path cwd = spec.workingDirectory();
    if (!Files.isDirectory(cwd)) {
      return Optional.of("the working folder " + cwd + " does not exist");
    }
    String program = spec.argv().get(0);
    if (program.contains("/")) {
      return programProblem(cwd.resolve(program), program);
    }
    String path = spec.environment().getOrDefault("PATH", "");
    for (String dir : path.split(":", -1)) {
      Path candidate = (dir.isEmpty() ? cwd : cwd.resolve(dir)).resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.empty();
      }
    }
    return Optional.of("the program '" + program + "' is not on the command's PATH (" + path + ")");
  }

  private static Optional<String> programProblem(Path file, String program) {
    if (!Files.exists(file)) {
      return Optional.of("the program " + program + " does not exist (looked for " + file + ")");
    }
    if (Files.isDirectory(file)) {
      return Optional.of("the program " + program + " is a folder");
    }
    if (!Files.isExecutable(file)) {
      return Optional.of(
          "the program "
              + program
              + " is not executable; make it so (chmod +x) or run it through its interpreter,"
              + " such as [/usr/bin/python3, "
              + program
              + "]");
    }
    return Optional.empty();
  }

  /** SIGTERM to the tree, then SIGKILL to what is left after the grace; true if interrupted. */
  private boolean stop(Process process, ProcessTree tree) {
    boolean interrupted = false;
    tree.sample(process.isAlive());
    tree.signal(false);
    long deadline = System.nanoTime() + killGrace.toNanos();
    while (true) {
      interrupted |= pause(process, Duration.ofMillis(20));
      tree.sample(process.isAlive());
      if (tree.live().isEmpty() || System.nanoTime() - deadline > 0) {
        break;
      }
    }
    if (!tree.live().isEmpty()) {
      LOG.info("processes {} outlived SIGTERM by {}; sending SIGKILL", tree.live(), killGrace);
      tree.signal(true);
    }
    return interrupted;
  }

  /** Waits for the main process; true if interrupted meanwhile. */
  private static boolean awaitExit(Process process) {
    boolean interrupted = false;
    while (true) {
      try {
        process.waitFor();
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  /** Waits up to {@code time} or until the main process ends; true if interrupted. */
  private static boolean pause(Process process, Duration time) {
    try {
      process.waitFor(time.toMillis(), TimeUnit.MILLISECONDS);
      if (!process.isAlive()) {
        Thread.sleep(time.toMillis());
      }
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }

  /** {@code 0.3 s}, {@code 12.0 s}, {@code 3 min 5 s}. */
  static String format(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
    return seconds / 60 + " min " + seconds % 60 + " s";
  }

  /** The two streams' lines going to one sink, one at a time, and the tail of stderr. */
  private static final class Output {
    private final LineSink sink;
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private boolean closed;
    private boolean sinkFailed;

    Output(LineSink sink) {
      this.sink = sink;
    }

    Thread reader(LogStream stream, InputStream in, long pid) {
      return Thread.ofPlatform()
          .daemon()
          .name("tend-command-" + pid + "-" + stream.label())
          .start(
              () -> {
                try (in) {
                  LineReader.read(in, line -> deliver(stream, line));
                } catch (IOException e) {
                  LOG.debug(
                      "reading the {} of pid {} ended: {}", stream.label(), pid, e.toString());
                }
              });
    }

    private synchronized void deliver(LogStream stream, String line) {
      if (closed) {
        return;
      }
      if (stream == LogStream.STDERR) {
        if (tail.size() == STDERR_TAIL_LINES) {
          tail.removeFirst();
        }
        tail.addLast(line);
      }
      try {
        sink.line(stream, line);
      } catch (RuntimeException e) {
        if (!sinkFailed) {
          sinkFailed = true;
          LOG.warn("a command's line sink failed; its lines are dropped while it fails", e);
        }
      }
    }

    /** Waits for both readers to reach the end of their streams, then stops delivering. */
    boolean finish(List<Thread> readers, Duration wait) {
      boolean interrupted = false;
      long deadline = System.nanoTime() + wait.toNanos();
      for (Thread reader : readers) {
        while (reader.isAlive()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            LOG.warn(
                "{} still has its pipe open after the command ended (a process that left the"
                    + " command's process group); its further lines are dropped",
                reader.getName());
            break;
          }
          try {
            reader.join(Duration.ofNanos(left));
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      synchronized (this) {
        closed = true;
      }
      return interrupted;
    }

    synchronized List<String> stderrTail() {
      return List.copyOf(tail);
    }
  }
}
