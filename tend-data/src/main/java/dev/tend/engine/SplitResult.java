package dev.tend.engine;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/** How many rows {@link Dataset#split} wrote to each file. */
public record SplitResult(Path validFile, long validRows, Path invalidFile, long invalidRows) {
  public SplitResult {
    requireNonNull(validFile, "validFile is null");
    requireNonNull(invalidFile, "invalidFile is null");
  }

  public long totalRows() {
    return validRows + invalidRows;
  }
}
