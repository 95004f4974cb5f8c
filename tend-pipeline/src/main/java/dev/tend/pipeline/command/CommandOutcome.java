package dev.tend.pipeline.command;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a command ended and what it used. {@code exitCode} is absent only when it never started (it
 * could not, or it was cancelled first). CPU time covers the process and its descendants; peak
 * memory is the largest sum of the resident high-water marks of the processes alive at one sample
 * (see {@link CommandRunner}). {@code stderrTail} holds the last lines of standard error, oldest
 * first.
 */
public record CommandOutcome(
    Termination termination,
    OptionalInt exitCode,
    Duration wall,
    Duration cpu,
    long peakMemoryBytes,
    List<String> stderrTail,
    Optional<String> startFailure) {
  private static final Map<Integer, String> SIGNALS =
      Map.of(
          1, "SIGHUP", 2, "SIGINT", 3, "SIGQUIT", 6, "SIGABRT", 9, "SIGKILL", 11, "SIGSEGV", 15,
          "SIGTERM");

  /** Why the command stopped. */
  public enum Termination {
    /** It exited by itself (with any status, or killed by a signal it was not sent by Tend). */
    EXITED,
    /** It ran past its timeout and Tend stopped it. */
    TIMED_OUT,
    /** It was cancelled and Tend stopped it. */
    CANCELLED,
    /** It could not be started: a missing or non-executable program, a missing folder. */
    NOT_STARTED
  }

  public CommandOutcome {
    requireNonNull(termination, "termination is null");
    requireNonNull(exitCode, "exitCode is null");
    requireNonNull(wall, "wall is null");
    requireNonNull(cpu, "cpu is null");
    stderrTail = List.copyOf(stderrTail);
    requireNonNull(startFailure, "startFailure is null");
    if (peakMemoryBytes < 0) {
      throw new IllegalArgumentException("peakMemoryBytes is negative");
    }
    if ((termination == Termination.NOT_STARTED) != startFailure.isPresent()) {
      throw new IllegalArgumentException("a start failure goes with NOT_STARTED, and only there");
    }
  }

  /** It exited by itself with status 0. */
  public boolean succeeded() {
    return termination == Termination.EXITED && exitCode.orElse(-1) == 0;
  }

  /**
   * The signal that ended it. The JDK reports a death by signal n as status 128 + n, so a program
   * that itself exits with such a status reads the same.
   */
  public OptionalInt signal() {
    int code = exitCode.orElse(0);
    return code > 128 && code < 128 + 65 ? OptionalInt.of(code - 128) : OptionalInt.empty();
  }

  /** Why the command failed, in a sentence with the end of its standard error; empty on success. */
  public Optional<String> failureReason() {
    if (succeeded()) {
      return Optional.empty();
    }
    String reason =
        switch (termination) {
          case NOT_STARTED -> "the command could not be started: " + startFailure.orElseThrow();
          case CANCELLED -> "the command was cancelled after " + CommandRunner.format(wall);
          case TIMED_OUT ->
              "the command ran longer than its timeout and was stopped after "
                  + CommandRunner.format(wall);
          case EXITED -> exitReason();
        };
    if (termination == Termination.NOT_STARTED || termination == Termination.CANCELLED) {
      return Optional.of(reason);
    }
    return Optional.of(
        stderrTail.isEmpty()
            ? reason + "; it wrote nothing to stderr"
            : reason + "; last lines of stderr:\n  " + String.join("\n  ", stderrTail));
  }

  private String exitReason() {
    int code = exitCode.orElseThrow();
    OptionalInt signal = signal();
    if (signal.isEmpty()) {
      return "the command exited with status " + code;
    }
    int n = signal.getAsInt();
    String name = SIGNALS.getOrDefault(n, "signal " + n);
    return "the command was killed by "
        + name
        + " (status "
        + code
        + (n == 9 ? "; the kernel's out-of-memory killer sends SIGKILL too" : "")
        + ")";
  }
}
