package dev.tend.profiling;

import static java.util.Objects.requireNonNull;

import dev.tend.engine.Dataset;
import dev.tend.expr.Expr;
import dev.tend.profile.ColumnProfile;
import dev.tend.profile.ColumnProfiler;
import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileOptions;
import dev.tend.profile.ProfileProvenance;
import dev.tend.schema.Column;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Profiles a dataset: the engine pushes a grouping down and streams each column's distinct values
 * with their counts in one scan; each column's sketches are fed from that stream. The result is a
 * {@link DatasetProfile}, which merges with profiles of other parts or windows.
 */
public final class Profiler {
  private Profiler() {}

  /** Profiles every column of {@code dataset}. */
  public static DatasetProfile profile(Dataset dataset, String source, ProfileOptions options) {
    return profile(dataset, dataset.schema().names(), source, options);
  }

  /** Profiles the named columns of {@code dataset}. */
  public static DatasetProfile profile(
      Dataset dataset, List<String> columnNames, String source, ProfileOptions options) {
    return profile(dataset, columnNames, Optional.empty(), source, options);
  }

  /** Profiles the named columns over the rows {@code where} accepts. */
  public static DatasetProfile profile(
      Dataset dataset,
      List<String> columnNames,
      Optional<Expr> where,
      String source,
      ProfileOptions options) {
    requireNonNull(dataset, "dataset is null");
    requireNonNull(source, "source is null");
    requireNonNull(options, "options is null");
    List<ColumnProfiler> profilers = new ArrayList<>(columnNames.size());
    for (String name : columnNames) {
      Column column =
          dataset
              .schema()
              .column(name)
              .orElseThrow(() -> new IllegalArgumentException("no column " + name));
      profilers.add(ColumnProfiler.create(column.name(), column.type(), options));
    }
    if (!profilers.isEmpty()) {
      dataset.scanValueCounts(
          columnNames, where, (index, value, count) -> profilers.get(index).update(value, count));
    }
    List<ColumnProfile> columns = profilers.stream().map(ColumnProfiler::finish).toList();
    long rows = columns.isEmpty() ? 0 : columns.get(0).rows();
    return DatasetProfile.of(
        rows, columns, ProfileProvenance.of(source, System.currentTimeMillis()));
  }
}
