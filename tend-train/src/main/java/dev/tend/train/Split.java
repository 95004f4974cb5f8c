package dev.tend.train;

import static java.util.Objects.requireNonNull;

import java.time.LocalDateTime;

/** How rows are divided into training, validation (early stopping) and test (holdout) rows. */
public sealed interface Split {

  /**
   * Each row draws a seeded uniform number from its position in the scan (SplitMix64 of seed and
   * row index), so the same data in the same order splits the same way.
   *
   * @param validationFraction share of rows for validation
   * @param testFraction share of rows for the holdout
   */
  record Random(double validationFraction, double testFraction) implements Split {
    public Random {
      if (!(validationFraction > 0 && testFraction >= 0 && validationFraction + testFraction < 1)) {
        throw new IllegalArgumentException(
            "validation fraction must be > 0, test fraction >= 0 and their sum < 1: "
                + validationFraction
                + ", "
                + testFraction);
      }
    }
  }

  /**
   * By a date or timestamp column: rows before {@code validationFrom} train, rows from there until
   * {@code testFrom} validate, later rows are the holdout. Rows without a time are left out.
   */
  record ByTime(String column, LocalDateTime validationFrom, LocalDateTime testFrom)
      implements Split {
    public ByTime {
      requireNonNull(column, "column is null");
      requireNonNull(validationFrom, "validationFrom is null");
      requireNonNull(testFrom, "testFrom is null");
      if (testFrom.isBefore(validationFrom)) {
        throw new IllegalArgumentException(
            "the test rows must start no earlier than the validation rows: "
                + validationFrom
                + " > "
                + testFrom);
      }
    }
  }
}
