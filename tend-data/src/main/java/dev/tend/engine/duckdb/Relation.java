package dev.tend.engine.duckdb;

import static java.util.Objects.requireNonNull;

import dev.tend.schema.Schema;
import java.util.List;

/**
 * What an opened source became inside DuckDB.
 *
 * @param data SQL naming the rows with exactly the schema's columns (a temp view)
 * @param numbered a SELECT yielding {@code _row}, {@code _file} when {@code multiFile}, then the
 *     columns; used only for sampling, because numbering may cost a window over the data
 * @param dropStatements run when the dataset closes
 * @param csvDiagnosis how to find the malformed line of CSV files, or null for other formats
 */
record Relation(
    Schema schema,
    String data,
    String numbered,
    boolean multiFile,
    List<String> dropStatements,
    CsvDiagnosis csvDiagnosis) {
  Relation {
    requireNonNull(schema, "schema is null");
    requireNonNull(data, "data is null");
    requireNonNull(numbered, "numbered is null");
    dropStatements = List.copyOf(dropStatements);
  }
}
