package dev.tend.engine.duckdb;

import static java.util.Objects.requireNonNull;

import dev.tend.expr.SqlRenderer;
import dev.tend.source.MalformedInputException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/*
 * Turns a failed strict CSV read into the file and line of the first bad row. DuckDB's error text
 * names the line ("CSV Error on Line: N" and "file = ...") when the scan fails, but not when its
 * dialect sniffer fails on a small file whose sample holds the bad row. So each file is re-read
 * alone with store_rejects=true, which records every rejected row with its physical line (the
 * header is line 1) in a rejects table; the first row there is reported. The error text is the
 * fallback when re-reading finds nothing.
 */
record CsvDiagnosis(List<Path> files, String options) {
  private static final Pattern LINE = Pattern.compile("CSV Error on Line: (\\d+)");
  private static final Pattern FILE = Pattern.compile("(?m)^\\s*file = (.+)$");

  CsvDiagnosis {
    files = List.copyOf(files);
    requireNonNull(options, "options is null");
  }

  /** Whether a DuckDB error came from parsing CSV text. */
  static boolean isCsvError(SQLException e) {
    String message = String.valueOf(e.getMessage());
    return message.contains("CSV Error")
        || message.contains("sniffing file")
        || message.contains("Invalid unicode")
        || message.contains("CSV File");
  }

  MalformedInputException diagnose(Connection connection, SQLException failure) {
    for (Path file : files) {
      Optional<MalformedInputException> found = rejects(connection, file, failure);
      if (found.isPresent()) {
        return found.get();
      }
    }
    String message = Sql.message(failure);
    Matcher line = LINE.matcher(message);
    Matcher file = FILE.matcher(message);
    String reason = reason(message);
    return new MalformedInputException(
        file.find() ? file.group(1).strip() : files.getFirst().toString(),
        line.find() ? Long.parseLong(line.group(1)) : 0,
        reason,
        failure);
  }

  private Optional<MalformedInputException> rejects(
      Connection connection, Path file, SQLException failure) {
    String read =
        "SELECT count(*) FROM read_csv("
            + SqlRenderer.quoteString(file.toString())
            + options
            + ", store_rejects = true, rejects_table = 'tend_csv_rejects',"
            + " rejects_scan = 'tend_csv_reject_scans')";
    String first =
        "SELECT line, error_message FROM tend_csv_rejects ORDER BY line, column_idx LIMIT 1";
    try (Statement statement = connection.createStatement()) {
      statement.execute(read);
      try (ResultSet rs = statement.executeQuery(first)) {
        if (rs.next()) {
          return Optional.of(
              new MalformedInputException(
                  file.toString(), rs.getLong(1), rs.getString(2).strip(), failure));
        }
      }
      return Optional.empty();
    } catch (SQLException e) {
      failure.addSuppressed(e);
      return Optional.empty();
    } finally {
      dropRejectTables(connection, failure);
    }
  }

  private static void dropRejectTables(Connection connection, SQLException failure) {
    try (Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS tend_csv_rejects");
      statement.execute("DROP TABLE IF EXISTS tend_csv_reject_scans");
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  /** The sentence that says what is wrong, without DuckDB's dump of reader settings. */
  private static String reason(String message) {
    String text = message.replaceFirst("^Invalid Input Error: ", "");
    int fixes = text.indexOf("\nPossible");
    if (fixes >= 0) {
      text = text.substring(0, fixes);
    }
    String[] lines = text.strip().split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      String candidate = lines[i].strip();
      if (!candidate.isEmpty()) {
        return candidate;
      }
    }
    return text.strip();
  }
}
