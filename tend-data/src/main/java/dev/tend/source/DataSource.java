package dev.tend.source;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a dataset's rows come from: files on disk or the result of a query over JDBC. A source is
 * only a description; an engine opens it.
 */
public sealed interface DataSource permits DataSource.Files, DataSource.JdbcQuery {

  /** A short description for messages and reports (a path, a glob, or a JDBC URL). */
  String describe();

  /**
   * One file, all files of {@code format} inside a folder (recursively, skipping hidden files), or
   * the files under {@code root} that match {@code glob}; several files form one dataset whose
   * columns are united by name.
   *
   * @param root a file, or the folder a glob is relative to
   * @param glob a pattern such as {@code *.csv} or {@code **}{@code /*.parquet}, relative to root
   * @param csv how to read CSV files; ignored for other formats
   */
  record Files(Path root, Optional<String> glob, Format format, CsvOptions csv)
      implements DataSource {
    public Files {
      requireNonNull(root, "root is null");
      requireNonNull(glob, "glob is null");
      requireNonNull(format, "format is null");
      requireNonNull(csv, "csv is null");
    }

    public static Files of(Path file, Format format) {
      return new Files(file, Optional.empty(), format, CsvOptions.defaults());
    }

    public Files withCsv(CsvOptions csv) {
      return new Files(root, glob, format, csv);
    }

    public Files withFormat(Format format) {
      return new Files(root, glob, format, csv);
    }

    @Override
    public String describe() {
      return glob.map(g -> root.resolve(g).toString()).orElse(root.toString());
    }
  }

  /**
   * The rows a SQL query returns over JDBC (PostgreSQL). The query runs once, when the source is
   * opened; its result is streamed into the engine.
   */
  record JdbcQuery(String url, Optional<String> user, Optional<String> password, String sql)
      implements DataSource {
    public JdbcQuery {
      requireNonNull(url, "url is null");
      requireNonNull(user, "user is null");
      requireNonNull(password, "password is null");
      requireNonNull(sql, "sql is null");
      if (!url.startsWith("jdbc:")) {
        throw new IllegalArgumentException("not a JDBC URL: " + url);
      }
    }

    public static JdbcQuery of(String url, String sql) {
      return new JdbcQuery(url, Optional.empty(), Optional.empty(), sql);
    }

    /** The URL without its query string, so that no password reaches a message. */
    @Override
    public String describe() {
      int question = url.indexOf('?');
      return question < 0 ? url : url.substring(0, question);
    }

    @Override
    public String toString() {
      return "JdbcQuery[url=" + describe() + ", user=" + user.orElse("") + ", sql=" + sql + "]";
    }
  }
}
