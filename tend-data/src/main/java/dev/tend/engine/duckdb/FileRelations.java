package dev.tend.engine.duckdb;

import dev.tend.expr.SqlRenderer;
import dev.tend.schema.DataType;
import dev.tend.source.CsvOptions;
import dev.tend.source.DataSource;
import dev.tend.source.DataSources;
import dev.tend.source.Format;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Builds the DuckDB reader calls for file sources. */
final class FileRelations {
  static final String VIEW = "tend_data";

  private FileRelations() {}

  /** The statement creating the dataset's view, its numbered SELECT, and CSV diagnosis. */
  record Plan(String createView, String numbered, boolean multiFile, CsvDiagnosis csvDiagnosis) {}

  static Plan plan(DataSource.Files source) {
    List<Path> files =
        DataSources.files(source).stream().map(p -> p.toAbsolutePath().normalize()).toList();
    String list =
        files.stream()
            .map(p -> SqlRenderer.quoteString(p.toString()))
            .collect(Collectors.joining(", ", "[", "]"));
    boolean multiFile = files.size() > 1;
    String options;
    String reader;
    CsvDiagnosis diagnosis = null;
    switch (source.format()) {
      case CSV -> {
        options = csvOptions(source.csv());
        reader = "read_csv(" + list + options + ", union_by_name = true)";
        diagnosis = new CsvDiagnosis(files, options);
      }
      case PARQUET -> reader = "read_parquet(" + list + ", union_by_name = true)";
      case JSON -> reader = "read_json(" + list + ", format = 'auto', union_by_name = true)";
      case JSON_LINES ->
          reader = "read_json(" + list + ", format = 'newline_delimited', union_by_name = true)";
      default -> throw new IllegalStateException("format " + source.format());
    }
    String createView = "CREATE TEMP VIEW " + VIEW + " AS SELECT * FROM " + reader;
    String numbered;
    if (source.format() == Format.PARQUET) {
      numbered =
          "SELECT file_row_number + 1 AS _row, "
              + (multiFile ? "filename AS _file, " : "")
              + "* FROM "
              + reader;
    } else if (multiFile) {
      numbered =
          "SELECT (__tend_g - min(__tend_g) OVER (PARTITION BY __tend_f) + 1) AS _row,"
              + " __tend_f AS _file, * EXCLUDE (__tend_g, __tend_f) FROM (SELECT row_number()"
              + " OVER () AS __tend_g, filename AS __tend_f, * FROM "
              + reader
              + ")";
    } else {
      // A streaming row_number() over an insertion-order-preserving scan numbers rows in file
      // order, even when the file is read by several threads.
      numbered = "SELECT row_number() OVER () AS _row, * FROM " + reader;
    }
    return new Plan(createView, numbered, multiFile, diagnosis);
  }

  private static String csvOptions(CsvOptions csv) {
    StringBuilder sql = new StringBuilder();
    sql.append(", header = ").append(csv.header());
    sql.append(", delim = ").append(SqlRenderer.quoteString(String.valueOf(csv.delimiter())));
    sql.append(", quote = ").append(SqlRenderer.quoteString(String.valueOf(csv.quote())));
    sql.append(", escape = ").append(SqlRenderer.quoteString(String.valueOf(csv.escape())));
    sql.append(", encoding = ").append(SqlRenderer.quoteString(csv.encoding().duckDbName()));
    if (!csv.nullStrings().isEmpty()) {
      sql.append(", nullstr = ")
          .append(
              csv.nullStrings().stream()
                  .map(SqlRenderer::quoteString)
                  .collect(Collectors.joining(", ", "[", "]")));
    }
    // An explicit skip stops DuckDB's sniffer from dropping leading lines it finds inconsistent:
    // in a short file with one long row it took that row for the header and lost the rest.
    sql.append(", skip = 0");
    sql.append(", strict_mode = true");
    if (!csv.columnTypes().isEmpty()) {
      sql.append(", types = {");
      boolean first = true;
      for (Map.Entry<String, DataType> entry : csv.columnTypes().entrySet()) {
        sql.append(first ? "" : ", ")
            .append(SqlRenderer.quoteString(entry.getKey()))
            .append(": ")
            .append(SqlRenderer.quoteString(Types.toDuckDb(entry.getValue())));
        first = false;
      }
      sql.append('}');
    }
    return sql.toString();
  }
}
