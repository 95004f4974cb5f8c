package dev.tend.operations;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/** The half-open time range {@code [from, to)} figures cover, and the buckets they are split in. */
public record Period(Instant from, Instant to, Bucket bucket) {
  public Period {
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    requireNonNull(bucket, "bucket is null");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from " + from + " must be before to " + to);
    }
  }

  public boolean contains(Instant instant) {
    return !instant.isBefore(from) && instant.isBefore(to);
  }

  /** The position of the bucket holding {@code instant}, which the period contains. */
  public long bucketIndex(Instant instant) {
    long millis = Duration.between(bucket.floor(from), instant).toMillis();
    return millis / bucketMillis();
  }

  private long bucketMillis() {
    return Duration.between(Instant.EPOCH, bucket.next(Instant.EPOCH)).toMillis();
  }

  /** How many buckets the period spans. */
  public long bucketCount() {
    long millis = Duration.between(bucket.floor(from), to).toMillis();
    long width = bucketMillis();
    return (millis + width - 1) / width;
  }
}
