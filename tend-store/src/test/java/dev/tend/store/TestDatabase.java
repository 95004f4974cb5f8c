package dev.tend.store;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A fresh, empty metadata database for one test: a SQLite file in a new temporary folder, or a new
 * schema in the PostgreSQL database named by {@code TEND_TEST_PG_URL}. Without that variable the
 * PostgreSQL variants are skipped, except in CI ({@code CI=true}) where they fail.
 */
public final class TestDatabase implements AutoCloseable {
  private final Engine engine;
  private final String url;
  private final Runnable cleanup;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private Database database;

  private TestDatabase(Engine engine, String url, Runnable cleanup) {
    this.engine = engine;
    this.url = url;
    this.cleanup = cleanup;
  }

  /** A fresh database of {@code engine}, opened and migrated. */
  public static TestDatabase create(Engine engine) {
    TestDatabase db =
        switch (engine) {
          case SQLITE -> sqlite();
          case POSTGRESQL -> postgres();
        };
    db.database = Database.open(db.url, db.clock);
    return db;
  }

  private static TestDatabase sqlite() {
    try {
      Path folder = Files.createTempDirectory("tend-store-test");
      return new TestDatabase(
          Engine.SQLITE, "jdbc:sqlite:" + folder.resolve("tend.db"), () -> deleteTree(folder));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TestDatabase postgres() {
    String base = System.getenv("TEND_TEST_PG_URL");
    if (base == null || base.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("TEND_TEST_PG_URL is not set; CI must run the PostgreSQL variants (see ./run-tests)");
      }
      assumeTrue(false, "TEND_TEST_PG_URL is not set: PostgreSQL variant skipped");
    }
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
    execute(base, "CREATE SCHEMA " + schema);
    String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    return new TestDatabase(
        Engine.POSTGRESQL, url, () -> execute(base, "DROP SCHEMA " + schema + " CASCADE"));
  }

  private static void execute(String url, String sql) {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot run '" + sql + "' on " + url, e);
    }
  }

  private static void deleteTree(Path folder) {
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public Engine engine() {
    return engine;
  }

  public Database database() {
    return database;
  }

  /** The clock rows are stamped with; tests move it. */
  public MutableClock clock() {
    return clock;
  }

  /** Closes the database and opens it again at the same URL (running migrations again). */
  public Database reopen() {
    database.close();
    database = Database.open(url, clock);
    return database;
  }

  /** The JDBC URL of this database. */
  public String url() {
    return url;
  }

  /** Number of rows in {@code table}. */
  public long count(String table) {
    return database.read(
        handle -> handle.createQuery("SELECT count(*) FROM " + table).mapTo(Long.class).one());
  }

  @Override
  public void close() {
    try {
      if (database != null) {
        database.close();
      }
    } finally {
      cleanup.run();
    }
  }

  /** A clock the test moves by hand. */
  public static final class MutableClock extends Clock {
    private volatile Instant now;

    public MutableClock(Instant start) {
      this.now = start;
    }

    public void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
