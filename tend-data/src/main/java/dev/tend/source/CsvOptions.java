package dev.tend.source;

import static java.util.Objects.requireNonNull;

import dev.tend.schema.DataType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to read a CSV file. Defaults: a header line, comma delimiter, double-quote quoting and
 * escaping, UTF-8, the empty string as null, and column types inferred from the data.
 *
 * @param columnTypes types to force for some columns (by header name); others are inferred
 */
public record CsvOptions(
    boolean header,
    char delimiter,
    char quote,
    char escape,
    Encoding encoding,
    List<String> nullStrings,
    Map<String, DataType> columnTypes) {

  /** Text encodings the CSV reader decodes. */
  public enum Encoding {
    UTF_8("utf-8"),
    UTF_16("utf-16"),
    LATIN_1("latin-1");

    private final String duckDbName;

    Encoding(String duckDbName) {
      this.duckDbName = duckDbName;
    }

    /** The name DuckDB's {@code read_csv} expects. */
    public String duckDbName() {
      return duckDbName;
    }
  }

  public CsvOptions {
    requireNonNull(encoding, "encoding is null");
    nullStrings = List.copyOf(requireNonNull(nullStrings, "nullStrings is null"));
    columnTypes =
        java.util.Collections.unmodifiableMap(
            new LinkedHashMap<>(requireNonNull(columnTypes, "columnTypes is null")));
    if (columnTypes.containsValue(DataType.OTHER)) {
      throw new IllegalArgumentException("a CSV column cannot be forced to type 'other'");
    }
  }

  public static CsvOptions defaults() {
    return new CsvOptions(true, ',', '"', '"', Encoding.UTF_8, List.of(""), Map.of());
  }

  public CsvOptions withHeader(boolean header) {
    return new CsvOptions(header, delimiter, quote, escape, encoding, nullStrings, columnTypes);
  }

  public CsvOptions withDelimiter(char delimiter) {
    return new CsvOptions(header, delimiter, quote, escape, encoding, nullStrings, columnTypes);
  }

  public CsvOptions withQuote(char quote, char escape) {
    return new CsvOptions(header, delimiter, quote, escape, encoding, nullStrings, columnTypes);
  }

  public CsvOptions withEncoding(Encoding encoding) {
    return new CsvOptions(header, delimiter, quote, escape, encoding, nullStrings, columnTypes);
  }

  public CsvOptions withNullStrings(List<String> nullStrings) {
    return new CsvOptions(header, delimiter, quote, escape, encoding, nullStrings, columnTypes);
  }

  public CsvOptions withColumnTypes(Map<String, DataType> columnTypes) {
    return new CsvOptions(header, delimiter, quote, escape, encoding, nullStrings, columnTypes);
  }
}
