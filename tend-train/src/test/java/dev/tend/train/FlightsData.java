package dev.tend.train;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Finds ../shared/data/flights-3m.parquet above the working directory, or skips the test. */
final class FlightsData {
  private FlightsData() {}

  static Path find() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("../shared/data/flights-3m.parquet"))) {
      dir = dir.getParent();
    }
    Assumptions.assumeTrue(dir != null, "../shared/data/flights-3m.parquet is not present");
    return dir.resolve("../shared/data/flights-3m.parquet").normalize();
  }
}
