package dev.tend.train;

import java.time.Duration;

/**
 * Where training time went.
 *
 * @param read scanning the dataset, excluding {@code preprocess}
 * @param preprocess encoding rows into features and labels, and fixing category codes
 * @param train building XGBoost's matrices and boosting
 * @param evaluate predicting the holdout and computing its metrics
 */
public record Timings(Duration read, Duration preprocess, Duration train, Duration evaluate) {
  public Duration total() {
    return read.plus(preprocess).plus(train).plus(evaluate);
  }
}
