package dev.tend.operations;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A dataset version and when it was pushed (created). */
public record DataPush(String dataset, int version, Instant createdAt) {
  public DataPush {
    requireNonNull(dataset, "dataset is null");
    requireNonNull(createdAt, "createdAt is null");
  }
}
