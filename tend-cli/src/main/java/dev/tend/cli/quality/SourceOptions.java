package dev.tend.cli.quality;

import dev.tend.cli.Main;
import dev.tend.source.CsvOptions;
import dev.tend.source.DataSource;
import dev.tend.source.DataSources;
import dev.tend.source.Format;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How to read the dataset a command works on: a file, folder or glob, or a JDBC query. */
final class SourceOptions {
  @Option(
      names = "--input-format",
      paramLabel = "FORMAT",
      description = "csv, parquet, json or jsonl; default: from the file extension.")
  String format;

  @Option(
      names = "--delimiter",
      paramLabel = "CHAR",
      description = "CSV field delimiter (default ,).")
  String delimiter;

  @Option(names = "--no-header", description = "The CSV files have no header line.")
  boolean noHeader;

  @Option(names = "--quote", paramLabel = "CHAR", description = "CSV quote character (default \").")
  String quote;

  @Option(
      names = "--encoding",
      paramLabel = "NAME",
      description = "CSV encoding: utf-8 (default), utf-16 or latin-1.")
  String encoding;

  @Option(
      names = "--null",
      paramLabel = "TEXT",
      description = "CSV text that means a missing value (repeatable; default: empty field).")
  List<String> nullStrings;

  @Option(
      names = "--jdbc",
      paramLabel = "URL",
      description = "Read the result of --query from this JDBC database instead of files.")
  String jdbcUrl;

  @Option(names = "--query", paramLabel = "SQL", description = "SQL query run on --jdbc.")
  String query;

  @Option(names = "--user", paramLabel = "NAME", description = "Database user for --jdbc.")
  String user;

  @Option(
      names = "--password-env",
      paramLabel = "VAR",
      description = "Environment variable holding the database password for --jdbc.")
  String passwordEnv;

  /** The source named by {@code location} (a path or glob) or by the JDBC options. */
  DataSource resolve(Optional<String> location) {
    if (jdbcUrl != null || query != null) {
      if (jdbcUrl == null || query == null) {
        throw new Main.UsageException("--jdbc and --query go together");
      }
      if (location.isPresent()) {
        throw new Main.UsageException("give either a data path or --jdbc with --query, not both");
      }
      Optional<String> password = Optional.empty();
      if (passwordEnv != null) {
        String value = System.getenv(passwordEnv);
        if (value == null) {
          throw new Main.UsageException("environment variable " + passwordEnv + " is not set");
        }
        password = Optional.of(value);
      }
      return new DataSource.JdbcQuery(jdbcUrl, Optional.ofNullable(user), password, query);
    }
    String path =
        location.orElseThrow(
            () -> new Main.UsageException("name the data: a file, folder or glob"));
    Optional<Format> explicit = Optional.empty();
    if (format != null) {
      explicit =
          Optional.of(
              Format.parse(format)
                  .orElseThrow(
                      () ->
                          new Main.UsageException(
                              "unknown format '" + format + "'; use csv, parquet, json or jsonl")));
    }
    DataSource.Files files = DataSources.parse(path, explicit);
    if (files.format() == Format.CSV) {
      files = files.withCsv(csv(path.endsWith(".tsv")));
    }
    return files;
  }

  private CsvOptions csv(boolean tab) {
    CsvOptions options = CsvOptions.defaults();
    if (tab) {
      options = options.withDelimiter('\t');
    }
    if (delimiter != null) {
      options = options.withDelimiter(character(delimiter, "--delimiter"));
    }
    if (noHeader) {
      options = options.withHeader(false);
    }
    if (quote != null) {
      char q = character(quote, "--quote");
      options = options.withQuote(q, q);
    }
    if (encoding != null) {
      options =
          options.withEncoding(
              switch (encoding.toLowerCase(java.util.Locale.ROOT).replace("_", "-")) {
                case "utf-8", "utf8" -> CsvOptions.Encoding.UTF_8;
                case "utf-16", "utf16" -> CsvOptions.Encoding.UTF_16;
                case "latin-1", "latin1", "iso-8859-1" -> CsvOptions.Encoding.LATIN_1;
                default ->
                    throw new Main.UsageException(
                        "unknown encoding '" + encoding + "'; use utf-8, utf-16 or latin-1");
              });
    }
    if (nullStrings != null) {
      options = options.withNullStrings(nullStrings);
    }
    return options;
  }

  private static char character(String text, String option) {
    String unescaped = text.equals("\\t") || text.equals("tab") ? "\t" : text;
    if (unescaped.length() != 1) {
      throw new Main.UsageException(option + " takes one character, got '" + text + "'");
    }
    return unescaped.charAt(0);
  }
}
