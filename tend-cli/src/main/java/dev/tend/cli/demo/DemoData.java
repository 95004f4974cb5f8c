package dev.tend.cli.demo;

import dev.tend.cli.Main;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.expr.Expressions;
import dev.tend.source.DataSource;
import dev.tend.source.Format;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The demo's data: finds the shared flights file and cuts it into monthly batches, plus one
 * February batch whose feed is broken the way real feeds break.
 */
final class DemoData {
  /** Names the folder holding the flights file when {@code --sample-data} is not given. */
  static final String SAMPLE_DATA_ENV = "TEND_SAMPLE_DATA";

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

  /** Writes January, February and a broken February, each once. */
  static void slice(
      Engine engine, Path flights, Path work, Path january, Path february, Path broken) {
    if (!Files.exists(january) || !Files.exists(february)) {
      Path rest = work.resolve("flights-after-january.parquet");
      try (Dataset all = engine.open(DataSource.Files.of(flights, Format.PARQUET))) {
        all.split(Expressions.parse("date >= TIMESTAMP '2001-02-01 00:00:00'"), january, rest);
      }
      try (Dataset after = engine.open(DataSource.Files.of(rest, Format.PARQUET))) {
        Path later = work.resolve("flights-2001-03-to-07.parquet");
        after.split(Expressions.parse("date >= TIMESTAMP '2001-03-01 00:00:00'"), february, later);
        delete(later);
      }
      delete(rest);
    }
    if (!Files.exists(broken)) {
      breakFeed(february, broken);
    }
  }

  /**
   * On February 14th the origin field goes missing for every flight leaving between 06:00 and
   * 18:00, and on February 20th and 21st one upstream system reports distances in kilometres.
   */
  private static void breakFeed(Path february, Path broken) {
    Path temp = broken.resolveSibling(broken.getFileName() + ".tmp");
    String sql =
        "COPY (SELECT date, delay,"
            + " CASE WHEN date >= TIMESTAMP '2001-02-20' AND date < TIMESTAMP '2001-02-22'"
            + "   THEN CAST(round(distance * 1.609344) AS BIGINT) ELSE distance END AS distance,"
            + " CASE WHEN date >= TIMESTAMP '2001-02-14 06:00:00' AND date < TIMESTAMP '2001-02-14 18:00:00'"
            + "   THEN NULL ELSE origin END AS origin,"
            + " destination FROM read_parquet("
            + quote(february.toString())
            + ")) TO "
            + quote(temp.toString())
            + " (FORMAT parquet)";
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
      Files.move(temp, broken, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot write the broken feed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteHistory(Path folder) {
    delete(folder.resolve("history.db"));
    delete(folder.resolve("history.db-wal"));
    delete(folder.resolve("history.db-shm"));
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

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
