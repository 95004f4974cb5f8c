package dev.tend.cli.demo;

import static java.util.Objects.requireNonNull;

import dev.tend.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's data: finds the shared flights file and cuts it with DuckDB into January (the training
 * month) and the weeks replayed as live traffic, one of which gets a broken feed the way real feeds
 * break. Files are written once per settings and reused.
 */
final class DemoData {
  /** Names the folder holding the flights file when {@code --sample-data} is not given. */
  static final String SAMPLE_DATA_ENV = "TEND_SAMPLE_DATA";

  /** The first replayed day; weeks run from here in steps of seven days. */
  static final LocalDate FIRST_DAY = LocalDate.of(2001, 2, 1);

  /** Full weeks up to June 27th; the three days after it would fail the suite's row count. */
  static final int WEEKS = 21;

  /** One week of flights replayed as traffic and pushed once its labels are in. */
  record Week(int index, LocalDate start, Path file, boolean broken) {
    Week {
      requireNonNull(start, "start is null");
      requireNonNull(file, "file is null");
    }

    LocalDate end() {
      return start.plusDays(7);
    }

    String label() {
      return String.format(Locale.ROOT, "%s..%s", start, end().minusDays(1));
    }
  }

  /** One flight as the replay sends it and the label feeder labels it. */
  record Flight(String date, Long distance, String origin, String destination, long delay) {
    Flight {
      requireNonNull(date, "date is null");
    }

    boolean delayed() {
      return delay > 15;
    }
  }

  private DemoData() {}

  static Path locate(Path explicit, Path home) {
    Path[] candidates = {
      explicit,
      System.getenv(SAMPLE_DATA_ENV) == null ? null : Path.of(System.getenv(SAMPLE_DATA_ENV)),
      home.resolve("../shared/data"),
      Path.of("../shared/data")
    };
    for (Path candidate : candidates) {
      if (candidate != null && Files.isRegularFile(candidate.resolve(DemoCommand.FLIGHTS))) {
        return candidate.toAbsolutePath().normalize();
      }
    }
    throw new Main.UsageException(
        DemoCommand.FLIGHTS
            + " not found (looked in --sample-data, $"
            + SAMPLE_DATA_ENV
            + " and ../shared/data). It ships in the"
            + " npm package vega-datasets@3.2.1: npm pack vega-datasets@3.2.1 and unpack"
            + " package/data/, then pass --sample-data");
  }

  /**
   * Writes January, all of it or a seeded sample of {@code fraction} of its flights, once.
   *
   * @return the file
   */
  static Path january(Path flights, Path work, double fraction) {
    String name =
        fraction >= 1
            ? "flights-2001-01.parquet"
            : String.format(Locale.ROOT, "flights-2001-01-sample-%.2f.parquet", fraction);
    Path file = work.resolve(name);
    if (!Files.exists(file)) {
      String select =
          "SELECT * FROM read_parquet("
              + quote(flights.toString())
              + ") WHERE date < TIMESTAMP '2001-02-01'"
              + (fraction >= 1
                  ? ""
                  : " AND hash(date, origin, destination, delay) % 1000 < " + permille(fraction))
              + " ORDER BY date";
      copy(select, file);
    }
    return file;
  }

  /**
   * Writes every replayed week once; week {@code brokenWeek} (0-based) gets the broken feed: on two
   * of its days the origin field goes missing, and all week one upstream system reports distances
   * in kilometres.
   */
  static List<Week> weeks(Path flights, Path work, int brokenWeek) {
    List<Week> weeks = new ArrayList<>();
    for (int i = 0; i < WEEKS; i++) {
      LocalDate start = FIRST_DAY.plusDays(7L * i);
      boolean broken = i == brokenWeek;
      Path file =
          work.resolve("flights-week-" + start + (broken ? "-broken-feed" : "") + ".parquet");
      if (!Files.exists(file)) {
        String range =
            " FROM read_parquet("
                + quote(flights.toString())
                + ") WHERE date >= TIMESTAMP '"
                + start
                + "' AND date < TIMESTAMP '"
                + start.plusDays(7)
                + "'";
        String select =
            broken
                ? "SELECT date, delay, CAST(round(distance * 1.609344) AS BIGINT) AS distance,"
                    + " CASE WHEN date >= TIMESTAMP '"
                    + start.plusDays(2)
                    + "' AND date < TIMESTAMP '"
                    + start.plusDays(4)
                    + "' THEN NULL ELSE origin END AS origin, destination"
                    + range
                    + " ORDER BY date"
                : "SELECT *" + range + " ORDER BY date";
        copy(select, file);
      }
      weeks.add(new Week(i, start, file, broken));
    }
    return List.copyOf(weeks);
  }

  /**
   * A seeded sample of {@code fraction} of a week's flights, in a seeded shuffled order: the same
   * flights on every run with the same settings. Shuffled, so that on a machine too busy to send
   * them all within the window, the rows left out are a random share of the week rather than its
   * last days (a window's figures do not depend on the order of its rows).
   */
  static List<Flight> sample(Path file, double fraction) {
    String sql =
        "SELECT strftime(date, '%Y-%m-%dT%H:%M:%S') AS d, distance, origin, destination, delay"
            + " FROM read_parquet("
            + quote(file.toString())
            + ") WHERE delay IS NOT NULL AND hash(date, destination, delay) % 1000 < "
            + permille(fraction)
            + " ORDER BY hash(destination, date, distance), date";
    List<Flight> flights = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        long distance = rows.getLong(2);
        Long distanceOrNull = rows.wasNull() ? null : distance;
        flights.add(
            new Flight(
                rows.getString(1),
                distanceOrNull,
                rows.getString(3),
                rows.getString(4),
                rows.getLong(5)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return List.copyOf(flights);
  }

  private static long permille(double fraction) {
    return Math.max(1, Math.round(fraction * 1000));
  }

  private static void copy(String select, Path file) {
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute("COPY (" + select + ") TO " + quote(temp.toString()) + " (FORMAT parquet)");
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write " + file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes {@code folder} and everything under it, if it exists. */
  static void deleteTree(Path folder) {
    if (!Files.exists(folder)) {
      return;
    }
    try (java.util.stream.Stream<Path> walk = Files.walk(folder)) {
      for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
