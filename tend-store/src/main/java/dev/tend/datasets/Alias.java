package dev.tend.datasets;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A named pointer ({@code latest}, {@code production} or custom) to a version of a dataset. */
public record Alias(
    String name, int versionNumber, String versionId, Instant updatedAt, String updatedBy) {
  /** The alias moved automatically to each newer accepted version. */
  public static final String LATEST = "latest";

  /** The alias serving and training read by default. */
  public static final String PRODUCTION = "production";

  public Alias {
    requireNonNull(name, "name is null");
    requireNonNull(versionId, "versionId is null");
    requireNonNull(updatedAt, "updatedAt is null");
    requireNonNull(updatedBy, "updatedBy is null");
  }
}
