package dev.tend.engine.duckdb;

import dev.tend.schema.DataType;
import java.util.Locale;

/** Maps DuckDB type names to Tend's logical types. */
final class Types {
  private Types() {}

  static DataType fromDuckDb(String typeName) {
    String name = typeName.toUpperCase(Locale.ROOT);
    if (name.startsWith("DECIMAL") || name.startsWith("NUMERIC")) {
      return DataType.DOUBLE;
    }
    if (name.startsWith("TIMESTAMP")) {
      return DataType.TIMESTAMP;
    }
    return switch (name) {
      case "BIGINT",
          "INTEGER",
          "SMALLINT",
          "TINYINT",
          "HUGEINT",
          "UBIGINT",
          "UINTEGER",
          "USMALLINT",
          "UTINYINT",
          "UHUGEINT" ->
          DataType.INTEGER;
      case "DOUBLE", "FLOAT", "REAL" -> DataType.DOUBLE;
      case "VARCHAR" -> DataType.STRING;
      case "DATE" -> DataType.DATE;
      case "BOOLEAN" -> DataType.BOOLEAN;
      default -> DataType.OTHER;
    };
  }

  /** The DuckDB type a column forced to {@code type} is read as. */
  static String toDuckDb(DataType type) {
    return switch (type) {
      case BOOLEAN -> "BOOLEAN";
      case INTEGER -> "BIGINT";
      case DOUBLE -> "DOUBLE";
      case STRING, OTHER -> "VARCHAR";
      case DATE -> "DATE";
      case TIMESTAMP -> "TIMESTAMP";
    };
  }
}
