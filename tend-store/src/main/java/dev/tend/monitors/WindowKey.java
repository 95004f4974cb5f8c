package dev.tend.monitors;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Names one window of a deployment's monitor.
 *
 * @param deployment the deployment's name
 * @param modelVersion a model version's id, or {@code *} for all versions
 * @param segment {@code column=value}, or empty for all rows
 * @param start the window's first instant
 */
public record WindowKey(String deployment, String modelVersion, String segment, Instant start) {
  public WindowKey {
    requireNonNull(deployment, "deployment is null");
    requireNonNull(modelVersion, "modelVersion is null");
    requireNonNull(segment, "segment is null");
    requireNonNull(start, "start is null");
  }
}
