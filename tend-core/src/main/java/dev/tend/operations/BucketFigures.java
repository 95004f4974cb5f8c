package dev.tend.operations;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** The figures of one bucket, {@code [start, end)}, clipped to the requested period. */
public record BucketFigures(Instant start, Instant end, Figures figures) {
  public BucketFigures {
    requireNonNull(start, "start is null");
    requireNonNull(end, "end is null");
    requireNonNull(figures, "figures is null");
  }
}
