package dev.tend.pipeline.command;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The declared outputs a command step wrote, checked against its file contract: each output's real
 * path (inside {@code outputs/}), and the metrics read from the {@code metrics} output (empty when
 * the step declares none), in the order they were written.
 */
public record CommandOutputs(Map<String, Path> paths, Map<String, Double> metrics) {
  public CommandOutputs {
    requireNonNull(paths, "paths is null");
    requireNonNull(metrics, "metrics is null");
    paths = Collections.unmodifiableMap(new LinkedHashMap<>(paths));
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }
}
