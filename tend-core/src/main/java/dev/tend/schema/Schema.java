package dev.tend.schema;

import static java.util.Objects.requireNonNull;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The ordered columns of a dataset. Column names are unique and case-sensitive. */
public record Schema(List<Column> columns) {
  public Schema {
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    Set<String> seen = new HashSet<>();
    for (Column column : columns) {
      if (!seen.add(column.name())) {
        throw new IllegalArgumentException("duplicate column name: " + column.name());
      }
    }
  }

  public static Schema of(Column... columns) {
    return new Schema(List.of(columns));
  }

  public Optional<Column> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  public boolean has(String name) {
    return column(name).isPresent();
  }

  public List<String> names() {
    return columns.stream().map(Column::name).toList();
  }
}
