package dev.tend.pipeline.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Debian's Python, which the command step tests and the flagship example use. */
final class Python {
  static final Path PYTHON3 = Path.of("/usr/bin/python3");

  private Python() {}

  static boolean available() {
    return Files.isExecutable(PYTHON3);
  }

  /** Whether it imports xgboost, pandas and scikit-learn (CI installs them with apt). */
  static boolean hasTrainingLibraries() {
    if (!available()) {
      return false;
    }
    try {
      Process process =
          new ProcessBuilder(PYTHON3.toString(), "-c", "import xgboost, pandas, sklearn")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
