package dev.tend.tracking;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** A run with its data: the latest value of each metric, its params, tags and inputs. */
public record Run(
    RunInfo info,
    List<Metric> latestMetrics,
    SortedMap<String, String> params,
    SortedMap<String, String> tags,
    List<RunInput> inputs) {
  public Run {
    requireNonNull(info, "info is null");
    latestMetrics = List.copyOf(latestMetrics);
    params = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(params));
    tags = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    inputs = List.copyOf(inputs);
  }
}
