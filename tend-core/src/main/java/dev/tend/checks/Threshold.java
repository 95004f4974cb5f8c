package dev.tend.checks;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A minimum quality score in percent, for one dimension or (when {@code dimension} is empty) for
 * the overall score; breaching it fails the run like an error-level check.
 */
public record Threshold(Optional<Dimension> dimension, double minPercent, SourceLocation location) {
  public Threshold {
    requireNonNull(dimension, "dimension is null");
    requireNonNull(location, "location is null");
    if (!(minPercent >= 0 && minPercent <= 100)) {
      throw new IllegalArgumentException("a threshold is a percentage in [0, 100]: " + minPercent);
    }
  }

  public String label() {
    return dimension.map(Dimension::label).orElse("overall");
  }
}
