package dev.tend.pipeline.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CPU time and peak memory of real Python processes, as the runner measures them. */
class CommandResourcesTest {
  private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");
  private static final String BUSY_SECOND =
      "import time\nt = time.process_time()\nwhile time.process_time() - t < 1.0:\n    pass\n";

  @TempDir Path dir;

  @BeforeEach
  void needsPython() {
    assumeTrue(Python.available(), "/usr/bin/python3 is not installed");
  }

  private CommandOutcome run(String... argv) {
    CommandOutcome outcome =
        new CommandRunner()
            .run(
                new CommandSpec(List.of(argv), dir, ENV, Duration.ofMinutes(2)),
                LineSink.discard(),
                () -> false);
    assertThat(outcome.failureReason()).isEmpty();
    return outcome;
  }

  @Test
  void aSecondOfBusyPythonIsMeasuredAsCpuTime() throws IOException {
    Files.writeString(dir.resolve("busy.py"), BUSY_SECOND);

    CommandOutcome outcome = run("/usr/bin/python3", "busy.py");

    assertThat(outcome.cpu()).isGreaterThan(Duration.ofMillis(500));
    assertThat(outcome.cpu()).isLessThan(Duration.ofSeconds(3));
    assertThat(outcome.wall()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void cpuTimeOfChildrenThatEndedIsCountedOnce() throws IOException {
    // Two busy seconds in children the shell waits for: the first is gone before the second
    // starts, so only the shell's account of its waited-for children still holds it.
    Files.writeString(dir.resolve("busy.py"), BUSY_SECOND);

    CommandOutcome outcome =
        run("/bin/sh", "-c", "/usr/bin/python3 busy.py && /usr/bin/python3 busy.py");

    assertThat(outcome.cpu()).isGreaterThan(Duration.ofMillis(1500));
    assertThat(outcome.cpu()).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void pythonHolding200MegabytesPeaksAtLeast150() throws IOException {
    Files.writeString(
        dir.resolve("big.py"), "import time\nb = b'x' * (200 << 20)\ntime.sleep(0.5)\n");

    CommandOutcome outcome = run("/usr/bin/python3", "big.py");

    assertThat(outcome.peakMemoryBytes()).isGreaterThanOrEqualTo(150L << 20);
    assertThat(outcome.peakMemoryBytes()).isLessThan(1L << 30);
  }

  @Test
  void aCommandThatEndsRightAfterItsPeakIsStillMeasured() throws IOException {
    // No sleep: it ends as soon as the bytes are filled, so only early samples can see them.
    Files.writeString(dir.resolve("big.py"), "b = b'x' * (200 << 20)\n");

    CommandOutcome outcome = run("/usr/bin/python3", "big.py");

    assertThat(outcome.peakMemoryBytes()).isGreaterThanOrEqualTo(100L << 20);
  }

  @Test
  void aSmallProgramStaysSmall() throws IOException {
    Files.writeString(dir.resolve("small.py"), "import time\ntime.sleep(0.5)\n");

    CommandOutcome outcome = run("/usr/bin/python3", "small.py");

    assertThat(outcome.peakMemoryBytes()).isBetween(1L << 20, 100L << 20);
    assertThat(outcome.cpu()).isLessThan(Duration.ofMillis(500));
  }
}
