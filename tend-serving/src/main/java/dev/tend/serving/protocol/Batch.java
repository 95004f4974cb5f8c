package dev.tend.serving.protocol;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rows of typed values stored by column, one {@link Column} per field in signature order: what
 * every protocol's request decodes to and what response encoders read a model's outputs from.
 * Immutable and safe to share between threads.
 */
public final class Batch {
  private final List<Column> columns;
  private final int rows;

  private Batch(List<Column> columns, int rows) {
    this.columns = List.copyOf(columns);
    this.rows = rows;
  }

  /** A batch of the given columns, which must all have the same number of rows. */
  public static Batch of(List<Column> columns) {
    requireNonNull(columns, "columns is null");
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one column");
    }
    int rows = columns.getFirst().size();
    for (Column column : columns) {
      if (column.size() != rows) {
        throw new IllegalArgumentException(
            "column '" + column.field().name() + "' has " + column.size() + " rows, not " + rows);
      }
    }
    return new Batch(columns, rows);
  }

  /**
   * A batch built row by row from boxed values ({@code Boolean}, {@code Long} or {@code Integer},
   * {@code Double}, {@code String}, {@code LocalDate}, {@code Instant}; null for missing), in field
   * order; for a runtime's outputs and for tests.
   */
  public static Batch ofRows(List<Field> fields, List<List<?>> rows) {
    List<ColumnBuilder> builders = new ArrayList<>();
    for (Field field : fields) {
      builders.add(new ColumnBuilder(field, rows.size()));
    }
    for (int row = 0; row < rows.size(); row++) {
      List<?> values = rows.get(row);
      if (values.size() != fields.size()) {
        throw new IllegalArgumentException(
            "row " + row + " has " + values.size() + " values for " + fields.size() + " fields");
      }
      for (int i = 0; i < fields.size(); i++) {
        builders.get(i).setObject(row, values.get(i));
      }
    }
    return of(builders.stream().map(ColumnBuilder::build).toList());
  }

  public int rowCount() {
    return rows;
  }

  public List<Column> columns() {
    return columns;
  }

  public List<Field> fields() {
    return columns.stream().map(Column::field).toList();
  }

  public Column column(int index) {
    return columns.get(index);
  }

  /** The column of the field with this name. */
  public Optional<Column> column(String name) {
    return columns.stream().filter(c -> c.field().name().equals(name)).findFirst();
  }

  /**
   * Row {@code row} as the text of a JSON object from field name to value, written as responses
   * write values (NaN and infinities as strings, dates and timestamps as ISO text); for logs.
   */
  public String rowJson(int row) {
    ObjectNode object = Json.object();
    for (Column column : columns) {
      object.set(column.field().name(), OutputValues.json(column, row));
    }
    return new String(Json.write(object), StandardCharsets.UTF_8);
  }

  /** One row's values boxed, in field order, null for missing. */
  public List<Object> row(int row) {
    List<Object> values = new ArrayList<>(columns.size());
    for (Column column : columns) {
      values.add(column.value(row));
    }
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Batch other && rows == other.rows && columns.equals(other.columns);
  }

  @Override
  public int hashCode() {
    return columns.hashCode();
  }

  @Override
  public String toString() {
    return "Batch" + columns;
  }
}
