package dev.tend.source;

import java.util.Locale;
import java.util.Optional;

/** The file formats Tend reads and writes. */
public enum Format {
  CSV,
  PARQUET,
  /** A JSON document holding an array of objects. */
  JSON,
  /** One JSON object per line ({@code .jsonl}, {@code .ndjson}). */
  JSON_LINES;

  /**
   * The format a file name's extension implies ({@code .csv}, {@code .tsv}, {@code .parquet}...).
   */
  public static Optional<Format> fromFileName(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    if (name.endsWith(".gz") || name.endsWith(".zst")) {
      name = name.substring(0, name.lastIndexOf('.'));
    }
    int dot = name.lastIndexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        switch (name.substring(dot + 1)) {
          case "csv", "tsv", "txt" -> CSV;
          case "parquet", "pq" -> PARQUET;
          case "json" -> JSON;
          case "jsonl", "ndjson" -> JSON_LINES;
          default -> null;
        });
  }

  /** Parses a format name as given on the command line ({@code csv}, {@code jsonl}...). */
  public static Optional<Format> parse(String name) {
    return Optional.ofNullable(
        switch (name.trim().toLowerCase(Locale.ROOT)) {
          case "csv", "tsv" -> CSV;
          case "parquet", "pq" -> PARQUET;
          case "json" -> JSON;
          case "jsonl", "ndjson", "json_lines", "json-lines" -> JSON_LINES;
          default -> null;
        });
  }

  /** Lower-case name used on the command line and in reports. */
  public String label() {
    return this == JSON_LINES ? "jsonl" : name().toLowerCase(Locale.ROOT);
  }
}
