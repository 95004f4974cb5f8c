package dev.tend.pipeline.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tend.pipeline.command.CommandOutcome.Termination;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: streaming, exit statuses, start failures, timeouts and cancellation. */
class CommandRunnerTest {
  private static final Map<String, String> ENV =
      Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8", "TZ", "UTC");
  private static final Duration MINUTE = Duration.ofMinutes(1);

  @TempDir Path dir;

  private final CommandRunner runner =
      new CommandRunner(Duration.ofSeconds(2), Duration.ofMillis(50));
  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

  private CommandOutcome sh(String script, Duration timeout) throws IOException {
    Files.writeString(dir.resolve("step.sh"), script);
    return runner.run(
        new CommandSpec(List.of("/bin/sh", "step.sh"), dir, ENV, timeout),
        (stream, line) -> lines.add(stream.label() + ": " + line),
        () -> false);
  }

  @Test
  void streamsBothOutputsLineByLineAndSucceeds() throws IOException {
    CommandOutcome outcome = sh("echo one; echo two >&2; printf 'three\\r\\nfour'", MINUTE);

    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.termination()).isEqualTo(Termination.EXITED);
    assertThat(outcome.exitCode()).hasValue(0);
    assertThat(outcome.failureReason()).isEmpty();
    assertThat(lines)
        .containsExactlyInAnyOrder("stdout: one", "stderr: two", "stdout: three", "stdout: four");
    assertThat(lines.stream().filter(l -> l.startsWith("stdout")))
        .containsExactly("stdout: one", "stdout: three", "stdout: four");
    assertThat(outcome.stderrTail()).containsExactly("two");
    assertThat(outcome.wall()).isPositive();
  }

  @Test
  void deliversALineWhileTheCommandIsStillRunning() throws IOException {
    // The command waits for a file the sink creates on seeing its first line: without live
    // streaming it would wait until its timeout.
    Path go = dir.resolve("go");
    Files.writeString(
        dir.resolve("step.sh"), "echo ready; while [ ! -e go ]; do sleep 0.05; done; echo done");
    CommandOutcome outcome =
        runner.run(
            new CommandSpec(List.of("/bin/sh", "step.sh"), dir, ENV, Duration.ofSeconds(30)),
            (stream, line) -> {
              lines.add(line);
              if (line.equals("ready")) {
                try {
                  Files.createFile(go);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              }
            },
            () -> false);

    assertThat(outcome.succeeded()).isTrue();
    assertThat(lines).containsExactly("ready", "done");
  }

  @Test
  void aNonZeroExitNamesTheStatusAndTheLastTwentyLinesOfStderr() throws IOException {
    CommandOutcome outcome =
        sh(
            "i=1; while [ $i -le 25 ]; do echo \"problem $i\" >&2; i=$((i+1)); done; exit 3",
            MINUTE);

    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.exitCode()).hasValue(3);
    assertThat(outcome.signal()).isEmpty();
    assertThat(outcome.stderrTail()).hasSize(20).startsWith("problem 6").endsWith("problem 25");
    assertThat(outcome.failureReason().orElseThrow())
        .startsWith("the command exited with status 3; last lines of stderr:\n  problem 6\n")
        .endsWith("problem 25")
        .doesNotContain("problem 5\n");
  }

  @Test
  void aCommandKilledByASignalSaysWhich() throws IOException {
    CommandOutcome outcome = sh("echo dying >&2; kill -9 $$", MINUTE);

    assertThat(outcome.exitCode()).hasValue(137);
    assertThat(outcome.signal()).hasValue(9);
    assertThat(outcome.failureReason().orElseThrow())
        .startsWith("the command was killed by SIGKILL (status 137; the kernel's out-of-memory")
        .endsWith("last lines of stderr:\n  dying");
  }

  @Test
  void invalidUtf8IsReplacedAndVeryLongLinesAreCut() throws IOException {
    CommandOutcome outcome =
        sh(
            "printf 'caf\\303\\251 \\377ok\\n'; head -c 100000 /dev/zero | tr '\\0' x; echo;"
                + " echo after",
            MINUTE);

    assertThat(outcome.succeeded()).isTrue();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isEqualTo("stdout: café \uFFFDok");
    String cut = lines.get(1).substring("stdout: ".length());
    assertThat(cut).hasSize(CommandRunner.MAX_LINE_CHARS).endsWith("x…");
    assertThat(lines.get(2)).isEqualTo("stdout: after");
  }

  @Test
  void aMissingProgramIsAStartFailureNotAnException() {
    CommandOutcome outcome =
        runner.run(
            new CommandSpec(List.of("./nope.sh"), dir, ENV, MINUTE),
            LineSink.discard(),
            () -> false);

    assertThat(outcome.termination()).isEqualTo(Termination.NOT_STARTED);
    assertThat(outcome.exitCode()).isEmpty();
    assertThat(outcome.failureReason().orElseThrow())
        .startsWith("the command could not be started: the program ./nope.sh does not exist");
  }

  @Test
  void aProgramThatIsNotExecutableIsAStartFailureWithAHint() throws IOException {
    Files.writeString(dir.resolve("train.py"), "print('hi')\n");

    CommandOutcome outcome =
        runner.run(
            new CommandSpec(List.of("./train.py"), dir, ENV, MINUTE),
            LineSink.discard(),
            () -> false);

    assertThat(outcome.failureReason().orElseThrow())
        .contains("the program ./train.py is not executable")
        .contains("[/usr/bin/python3, ./train.py]");
  }

  @Test
  void aProgramNotOnThePathOrAMissingFolderIsAStartFailure() {
    CommandOutcome notOnPath =
        runner.run(
            new CommandSpec(List.of("no-such-tool-xyz"), dir, ENV, MINUTE),
            LineSink.discard(),
            () -> false);
    CommandOutcome noFolder =
        runner.run(
            new CommandSpec(List.of("/bin/true"), dir.resolve("gone"), ENV, MINUTE),
            LineSink.discard(),
            () -> false);

    assertThat(notOnPath.failureReason().orElseThrow())
        .isEqualTo(
            "the command could not be started: the program 'no-such-tool-xyz' is not on the"
                + " command's PATH (/usr/bin:/bin)");
    assertThat(noFolder.termination()).isEqualTo(Termination.NOT_STARTED);
    assertThat(noFolder.failureReason().orElseThrow()).contains("gone does not exist");
  }

  @Test
  void aProgramIsFoundOnTheCommandsPathAndRunsWithoutAShell() {
    CommandOutcome outcome =
        runner.run(
            new CommandSpec(List.of("echo", "$HOME", "*", "a;b"), dir, ENV, MINUTE),
            (stream, line) -> lines.add(line),
            () -> false);

    assertThat(outcome.succeeded()).isTrue();
    assertThat(lines).containsExactly("$HOME * a;b");
  }

  @Test
  void theCommandLeadsItsOwnSessionAndProcessGroup() throws IOException {
    // Under setsid the program's pid is its process group's and session's id, so the group can
    // be found and stopped as a whole.
    CommandOutcome outcome = sh("echo $$; cat /proc/$$/stat", MINUTE);

    assertThat(outcome.succeeded()).isTrue();
    String pid = lines.get(0).substring("stdout: ".length());
    String[] stat = lines.get(1).substring(lines.get(1).lastIndexOf(')') + 2).split(" ");
    assertThat(stat[2]).as("process group").isEqualTo(pid);
    assertThat(stat[3]).as("session").isEqualTo(pid);
  }

  @Test
  void aTimeoutKillsTheWholeProcessTree() throws IOException {
    CommandOutcome outcome =
        sh(
            "sleep 1000 & echo $! > child.pid; echo $$ > main.pid; echo started; wait",
            Duration.ofSeconds(1));

    assertThat(outcome.termination()).isEqualTo(Termination.TIMED_OUT);
    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.failureReason().orElseThrow())
        .startsWith("the command ran longer than its timeout and was stopped after");
    assertThat(outcome.wall()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(20));
    assertThat(lines).contains("stdout: started");
    assertDead(pid("main.pid"));
    assertDead(pid("child.pid"));
  }

  @Test
  void aProcessThatIgnoresSigtermIsKilledAfterTheGrace() throws IOException {
    CommandOutcome outcome =
        sh(
            "trap '' TERM; sh -c 'trap \"\" TERM; echo $$ > child.pid; while :; do sleep 0.1;"
                + " done' & echo started; wait",
            Duration.ofMillis(500));

    assertThat(outcome.termination()).isEqualTo(Termination.TIMED_OUT);
    assertThat(outcome.wall()).isGreaterThanOrEqualTo(Duration.ofMillis(2400));
    assertDead(pid("child.pid"));
  }

  @Test
  void processesLeftBehindByACommandThatExitedAreStopped() throws IOException {
    CommandOutcome outcome = sh("sleep 1000 & echo $! > child.pid; echo bye", MINUTE);

    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.wall()).isLessThan(Duration.ofSeconds(20));
    assertDead(pid("child.pid"));
  }

  @Test
  void cancellingFromAnotherThreadStopsTheCommand() throws Exception {
    Files.writeString(
        dir.resolve("step.sh"), "sleep 1000 & echo $! > child.pid; echo started; wait");
    AtomicBoolean cancel = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(1);
    Thread canceller =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    started.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  cancel.set(true);
                });

    CommandOutcome outcome =
        runner.run(
            new CommandSpec(List.of("/bin/sh", "step.sh"), dir, ENV, MINUTE),
            (stream, line) -> started.countDown(),
            cancel::get);
    canceller.join();

    assertThat(outcome.termination()).isEqualTo(Termination.CANCELLED);
    assertThat(outcome.failureReason().orElseThrow()).startsWith("the command was cancelled after");
    assertThat(outcome.wall()).isLessThan(Duration.ofSeconds(30));
    assertDead(pid("child.pid"));
  }

  @Test
  void aCommandCancelledBeforeItStartsNeverRuns() {
    CommandOutcome outcome =
        runner.run(
            new CommandSpec(List.of("/usr/bin/touch", "ran"), dir, ENV, MINUTE),
            LineSink.discard(),
            () -> true);

    assertThat(outcome.termination()).isEqualTo(Termination.CANCELLED);
    assertThat(outcome.exitCode()).isEmpty();
    assertThat(dir.resolve("ran")).doesNotExist();
  }

  @Test
  void interruptingTheCallerCancelsAndKeepsTheInterrupt() throws Exception {
    Files.writeString(dir.resolve("step.sh"), "echo $$ > main.pid; echo started; exec sleep 1000");
    AtomicReference<CommandOutcome> outcome = new AtomicReference<>();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(1);
    Thread caller =
        Thread.ofPlatform()
            .start(
                () -> {
                  outcome.set(
                      runner.run(
                          new CommandSpec(List.of("/bin/sh", "step.sh"), dir, ENV, MINUTE),
                          (stream, line) -> started.countDown(),
                          () -> false));
                  stillInterrupted.set(Thread.currentThread().isInterrupted());
                });
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    caller.interrupt();
    caller.join(30_000);

    assertThat(outcome.get().termination()).isEqualTo(Termination.CANCELLED);
    assertThat(stillInterrupted).isTrue();
    assertDead(pid("main.pid"));
  }

  @Test
  void aFailingCancellationCheckStopsTheCommandBeforeThrowing() throws IOException {
    Files.writeString(dir.resolve("step.sh"), "echo $$ > main.pid; exec sleep 1000");

    assertThatThrownBy(
            () ->
                runner.run(
                    new CommandSpec(List.of("/bin/sh", "step.sh"), dir, ENV, MINUTE),
                    LineSink.discard(),
                    () -> {
                      if (Files.exists(dir.resolve("main.pid"))) {
                        throw new IllegalStateException("lease lost");
                      }
                      return false;
                    }))
        .hasMessage("lease lost");
    assertDead(pid("main.pid"));
  }

  @Test
  void aFailingSinkDoesNotStopTheCommand() throws IOException {
    Files.writeString(dir.resolve("step.sh"), "echo a; echo b; exit 0");

    CommandOutcome outcome =
        runner.run(
            new CommandSpec(List.of("/bin/sh", "step.sh"), dir, ENV, MINUTE),
            (stream, line) -> {
              throw new IllegalStateException("sink is down");
            },
            () -> false);

    assertThat(outcome.succeeded()).isTrue();
  }

  private long pid(String file) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve(file), UTF_8).trim());
  }

  /** Gone, or a zombie nobody reaps (PID 1 of a container may not). */
  static void assertDead(long pid) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (alive(pid) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    assertThat(alive(pid)).as("process %d is alive", pid).isFalse();
  }

  private static boolean alive(long pid) {
    return ProcessTree.read(pid).map(stat -> !stat.zombie()).orElse(false);
  }
}
