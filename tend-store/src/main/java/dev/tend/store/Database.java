package dev.tend.store;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tend.store.internal.SqlErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * Tend's metadata database: a connection pool, a Jdbi instance and the schema, migrated to the
 * newest version when opened. Thread-safe; open one per process and share it.
 *
 * <p>Two engines are supported: an embedded SQLite file ({@code jdbc:sqlite:/path/tend.db}, in WAL
 * mode with a busy timeout, foreign keys on, and write transactions begun IMMEDIATE so concurrent
 * writers queue instead of failing) and PostgreSQL ({@code jdbc:postgresql://host/db}).
 */
public final class Database implements AutoCloseable {
  /** The SQL engine behind a database. */
  public enum Dialect {
    SQLITE,
    POSTGRESQL
  }

  private static final String HISTORY_TABLE = "tend_schema_history";
  private static final String MIGRATIONS = "classpath:db/migration/common";
  private static final int SQLITE_BUSY_TIMEOUT_MILLIS = 30_000;

  private final Dialect dialect;
  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final Clock clock;
  private final String schemaVersion;

  private Database(
      Dialect dialect, HikariDataSource dataSource, Clock clock, String schemaVersion) {
    this.dialect = dialect;
    this.dataSource = dataSource;
    this.jdbi = Jdbi.create(dataSource);
    this.clock = clock;
    this.schemaVersion = schemaVersion;
  }

  /**
   * Opens the database at {@code jdbcUrl} with the system clock; see {@link #open(String, Clock)}.
   */
  public static Database open(String jdbcUrl) {
    return open(jdbcUrl, Clock.systemUTC());
  }

  /**
   * Opens the database at {@code jdbcUrl} (creating a SQLite file and its folder when absent) and
   * migrates its schema. {@code clock} stamps every row written through this database.
   *
   * @throws StoreException when the database cannot be reached, a migration fails, or the schema
   *     was written by a newer Tend than this one
   */
  public static Database open(String jdbcUrl, Clock clock) {
    requireNonNull(jdbcUrl, "jdbcUrl is null");
    requireNonNull(clock, "clock is null");
    Dialect dialect = dialectOf(jdbcUrl);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName("tend-store");
    switch (dialect) {
      case SQLITE -> {
        createParentFolder(jdbcUrl);
        enableWal(jdbcUrl);
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("busy_timeout", String.valueOf(SQLITE_BUSY_TIMEOUT_MILLIS));
        config.addDataSourceProperty("foreign_keys", "true");
        config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        config.setMaximumPoolSize(8);
        config.setMinimumIdle(1);
      }
      case POSTGRESQL -> config.setMaximumPoolSize(10);
    }
    HikariDataSource dataSource;
    try {
      dataSource = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot connect to the metadata database " + redact(jdbcUrl) + ": " + rootMessage(e), e);
    }
    try {
      String version = migrate(dialect, dataSource, jdbcUrl);
      return new Database(dialect, dataSource, clock, version);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
  }

  private static String migrate(Dialect dialect, HikariDataSource dataSource, String jdbcUrl) {
    Flyway flyway =
        Flyway.configure()
            .dataSource(dataSource)
            .locations(MIGRATIONS)
            .table(HISTORY_TABLE)
            .placeholders(Map.of("binary", dialect == Dialect.SQLITE ? "BLOB" : "BYTEA"))
            .load();
    try {
      MigrationInfoService info = flyway.info();
      Optional<MigrationInfo> future =
          Arrays.stream(info.all())
              .filter(
                  m ->
                      m.getState() == MigrationState.FUTURE_SUCCESS
                          || m.getState() == MigrationState.FUTURE_FAILED)
              .reduce((first, second) -> second);
      if (future.isPresent()) {
        String known =
            Arrays.stream(info.all())
                .filter(m -> m.getState() != MigrationState.FUTURE_SUCCESS)
                .filter(m -> m.getState() != MigrationState.FUTURE_FAILED)
                .reduce((first, second) -> second)
                .map(m -> m.getVersion().getVersion())
                .orElse("none");
        throw new StoreException(
            "the metadata database "
                + redact(jdbcUrl)
                + " has schema version "
                + future.get().getVersion().getVersion()
                + ", newer than this Tend knows (up to "
                + known
                + "); run a Tend release at least as new as the one that last wrote it");
      }
      flyway.migrate();
      MigrationInfo current = flyway.info().current();
      return current == null ? "0" : current.getVersion().getVersion();
    } catch (FlywayException e) {
      throw new StoreException(
          "cannot migrate the metadata database " + redact(jdbcUrl) + ": " + e.getMessage(), e);
    }
  }

  /** The SQL engine of this database. */
  public Dialect dialect() {
    return dialect;
  }

  /** The clock that stamps rows. */
  public Clock clock() {
    return clock;
  }

  /** The clock's current instant, to the millisecond (the precision rows keep). */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** The schema version the database is at after migration (for example "1"). */
  public String schemaVersion() {
    return schemaVersion;
  }

  /**
   * Runs {@code work} in one transaction, committed when it returns and rolled back when it throws.
   * Database errors are translated: unique violations become {@link ConflictException}, others
   * {@link StoreException}.
   */
  public <R> R write(HandleCallback<R, RuntimeException> work) {
    requireNonNull(work, "work is null");
    try {
      return jdbi.inTransaction(work);
    } catch (JdbiException e) {
      throw SqlErrors.translate(e);
    }
  }

  /** Runs {@code work} on a pooled connection in auto-commit mode, for reads. */
  public <R> R read(HandleCallback<R, RuntimeException> work) {
    requireNonNull(work, "work is null");
    try {
      return jdbi.withHandle(work);
    } catch (JdbiException e) {
      throw SqlErrors.translate(e);
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }

  private static Dialect dialectOf(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      String path = sqlitePath(jdbcUrl);
      if (path.isEmpty() || path.startsWith(":memory:") || path.contains("mode=memory")) {
        throw new IllegalArgumentException(
            "an in-memory SQLite database cannot be shared by a connection pool: use a file, as"
                + " in jdbc:sqlite:/var/lib/tend/tend.db");
      }
      return Dialect.SQLITE;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return Dialect.POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "unsupported metadata database URL '"
            + redact(jdbcUrl)
            + "': use jdbc:sqlite:/path/tend.db or jdbc:postgresql://host:port/database");
  }

  private static String sqlitePath(String jdbcUrl) {
    String path = jdbcUrl.substring("jdbc:sqlite:".length());
    if (path.startsWith("file:")) {
      path = path.substring("file:".length());
      int query = path.indexOf('?');
      if (query >= 0 && !path.substring(query).contains("mode=memory")) {
        path = path.substring(0, query);
      }
    }
    return path;
  }

  private static void createParentFolder(String jdbcUrl) {
    Path parent = Path.of(sqlitePath(jdbcUrl)).toAbsolutePath().getParent();
    if (parent != null) {
      try {
        Files.createDirectories(parent);
      } catch (IOException e) {
        throw new StoreException(
            "cannot create the folder " + parent + " for the metadata database: " + e, e);
      }
    }
  }

  /*
   * WAL mode is a property of the file. Switching a new file to it from one connection, before the
   * pool opens several at once, avoids racing first opens (seen as SQLITE_IOERR_SHMSIZE).
   */
  private static void enableWal(String jdbcUrl) {
    try (Connection connection = DriverManager.getConnection(jdbcUrl);
        Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout=" + SQLITE_BUSY_TIMEOUT_MILLIS);
      statement.execute("PRAGMA journal_mode=WAL");
    } catch (SQLException e) {
      throw new StoreException(
          "cannot open the SQLite metadata database " + jdbcUrl + ": " + e.getMessage(), e);
    }
  }

  /** The URL without its query string, which may carry a password. */
  private static String redact(String jdbcUrl) {
    int query = jdbcUrl.indexOf('?');
    return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query) + "?...";
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}
