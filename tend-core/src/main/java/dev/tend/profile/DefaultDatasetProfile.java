package dev.tend.profile;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class DefaultDatasetProfile implements DatasetProfile {
  private final long rowCount;
  private final List<ColumnProfile> columns;
  private final Map<String, ColumnProfile> byName;
  private final ProfileProvenance provenance;

  DefaultDatasetProfile(long rowCount, List<ColumnProfile> columns, ProfileProvenance provenance) {
    if (rowCount < 0) {
      throw new IllegalArgumentException("rowCount must be >= 0: " + rowCount);
    }
    this.rowCount = rowCount;
    this.columns = List.copyOf(requireNonNull(columns, "columns is null"));
    this.provenance = requireNonNull(provenance, "provenance is null");
    Map<String, ColumnProfile> names = new HashMap<>();
    for (ColumnProfile column : this.columns) {
      if (names.put(column.column(), column) != null) {
        throw new IllegalArgumentException("duplicate column name: " + column.column());
      }
      if (column.rows() != rowCount) {
        throw new IllegalArgumentException(
            "column '"
                + column.column()
                + "' has "
                + column.rows()
                + " rows (count + missing) but the dataset has "
                + rowCount);
      }
    }
    this.byName = Map.copyOf(names);
  }

  @Override
  public long rowCount() {
    return rowCount;
  }

  @Override
  public List<ColumnProfile> columns() {
    return columns;
  }

  @Override
  public ProfileProvenance provenance() {
    return provenance;
  }

  @Override
  public Optional<ColumnProfile> column(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  @Override
  public DatasetProfile merge(DatasetProfile other) {
    requireNonNull(other, "other is null");
    if (!names(this).equals(names(other))) {
      throw new IllegalArgumentException(
          "cannot merge profiles of different columns: " + names(this) + " and " + names(other));
    }
    List<ColumnProfile> merged = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      merged.add(columns.get(i).merge(other.columns().get(i)));
    }
    return new DefaultDatasetProfile(
        rowCount + other.rowCount(), merged, provenance.mergedWith(other.provenance()));
  }

  private static List<String> names(DatasetProfile profile) {
    return profile.columns().stream().map(ColumnProfile::column).toList();
  }

  @Override
  public DatasetProfile withProvenance(ProfileProvenance provenance) {
    return new DefaultDatasetProfile(rowCount, columns, provenance);
  }

  @Override
  public byte[] toBytes() {
    return ProfileCodec.encode(this);
  }

  @Override
  public String toString() {
    return "DatasetProfile["
        + provenance.source()
        + ", rows="
        + rowCount
        + ", columns="
        + names(this)
        + "]";
  }
}
