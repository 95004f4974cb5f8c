package dev.tend.engine.duckdb;

import dev.tend.expr.SqlRenderer;
import dev.tend.schema.Column;
import dev.tend.schema.DataType;
import dev.tend.schema.Schema;
import dev.tend.source.DataException;
import dev.tend.source.DataSource;
import dev.tend.source.SourceNotFoundException;
import dev.tend.source.UnsupportedSourceException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/*
 * Runs a JDBC query and streams its rows into a DuckDB temp table through the Appender. The
 * remote cursor is read fetchSize rows at a time (PostgreSQL only uses a cursor with autocommit
 * off), so no more than one batch sits in the Java heap. A hidden first column keeps each row's
 * 1-based position in the result.
 */
final class JdbcLoader {
  static final String TABLE = "tend_jdbc";
  static final String ROW_COLUMN = "__tend_row";

  private JdbcLoader() {}

  /** The kinds of value the appender is fed; one per column. */
  private enum Kind {
    BOOLEAN,
    LONG,
    DOUBLE,
    DECIMAL,
    STRING,
    DATE,
    TIMESTAMP,
    TIMESTAMPTZ
  }

  static Schema load(DuckDBConnection duck, DataSource.JdbcQuery source, int fetchSize) {
    Properties properties = new Properties();
    source.user().ifPresent(user -> properties.setProperty("user", user));
    source.password().ifPresent(password -> properties.setProperty("password", password));
    Connection remote;
    try {
      remote = DriverManager.getConnection(source.url(), properties);
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("No suitable driver")) {
        throw new UnsupportedSourceException(
            "no JDBC driver for " + source.describe() + " (PostgreSQL is supported)");
      }
      throw new SourceNotFoundException(source.describe(), "cannot connect: " + Sql.message(e));
    }
    try (remote) {
      remote.setAutoCommit(false);
      remote.setReadOnly(true);
      try (Statement statement =
          remote.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
        statement.setFetchSize(fetchSize);
        ResultSet rs;
        try {
          rs = statement.executeQuery(source.sql());
        } catch (SQLException e) {
          throw new DataException(
              "the query of " + source.describe() + " failed: " + Sql.message(e), e);
        }
        try (rs) {
          return copy(duck, source, rs);
        }
      } finally {
        remote.rollback();
      }
    } catch (SQLException e) {
      throw new DataException(
          "cannot read the query result of " + source.describe() + ": " + Sql.message(e), e);
    }
  }

  private static Schema copy(DuckDBConnection duck, DataSource.JdbcQuery source, ResultSet rs)
      throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    int count = meta.getColumnCount();
    List<Column> columns = new ArrayList<>(count);
    Kind[] kinds = new Kind[count];
    StringBuilder create =
        new StringBuilder("CREATE TEMP TABLE " + TABLE + " (" + ROW_COLUMN + " BIGINT");
    for (int i = 0; i < count; i++) {
      String typeName = meta.getColumnTypeName(i + 1);
      kinds[i] = kind(meta.getColumnType(i + 1), typeName);
      String name = meta.getColumnLabel(i + 1);
      columns.add(new Column(name, dataType(kinds[i], meta.getColumnType(i + 1)), typeName));
      create
          .append(", ")
          .append(SqlRenderer.quoteIdentifier(name))
          .append(' ')
          .append(duck(kinds[i]));
    }
    Schema schema;
    try {
      schema = new Schema(columns);
    } catch (IllegalArgumentException e) {
      throw new UnsupportedSourceException(
          "the query of " + source.describe() + " returns " + e.getMessage() + "; alias it");
    }
    create.append(')');
    try (Statement statement = duck.createStatement()) {
      statement.execute(create.toString());
    }
    try (DuckDBAppender appender = duck.createAppender(DuckDBConnection.DEFAULT_SCHEMA, TABLE)) {
      long row = 0;
      while (rs.next()) {
        appender.beginRow();
        appender.append(++row);
        for (int i = 0; i < count; i++) {
          append(appender, kinds[i], rs, i + 1);
        }
        appender.endRow();
      }
    }
    return schema;
  }

  private static void append(DuckDBAppender appender, Kind kind, ResultSet rs, int index)
      throws SQLException {
    switch (kind) {
      case BOOLEAN -> {
        boolean value = rs.getBoolean(index);
        appendOrNull(appender, rs.wasNull(), () -> appender.append(value));
      }
      case LONG -> {
        long value = rs.getLong(index);
        appendOrNull(appender, rs.wasNull(), () -> appender.append(value));
      }
      case DOUBLE -> {
        double value = rs.getDouble(index);
        appendOrNull(appender, rs.wasNull(), () -> appender.append(value));
      }
      case DECIMAL -> {
        BigDecimal value = rs.getBigDecimal(index);
        appendOrNull(appender, value == null, () -> appender.append(value.doubleValue()));
      }
      case STRING -> {
        String value = rs.getString(index);
        appendOrNull(appender, value == null, () -> appender.append(value));
      }
      case DATE -> {
        LocalDate value = rs.getObject(index, LocalDate.class);
        appendOrNull(appender, value == null, () -> appender.append(value));
      }
      case TIMESTAMP -> {
        LocalDateTime value = rs.getObject(index, LocalDateTime.class);
        appendOrNull(appender, value == null, () -> appender.append(value));
      }
      case TIMESTAMPTZ -> {
        OffsetDateTime value = rs.getObject(index, OffsetDateTime.class);
        appendOrNull(appender, value == null, () -> appender.append(value));
      }
    }
  }

  @FunctionalInterface
  private interface Append {
    void run() throws SQLException;
  }

  private static void appendOrNull(DuckDBAppender appender, boolean isNull, Append append)
      throws SQLException {
    if (isNull) {
      appender.appendNull();
    } else {
      append.run();
    }
  }

  private static Kind kind(int jdbcType, String typeName) {
    return switch (jdbcType) {
      case Types.BIT, Types.BOOLEAN -> Kind.BOOLEAN;
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Kind.LONG;
      case Types.REAL, Types.FLOAT, Types.DOUBLE -> Kind.DOUBLE;
      case Types.NUMERIC, Types.DECIMAL -> Kind.DECIMAL;
      case Types.DATE -> Kind.DATE;
      case Types.TIMESTAMP_WITH_TIMEZONE -> Kind.TIMESTAMPTZ;
      case Types.TIMESTAMP ->
          typeName.toLowerCase(Locale.ROOT).equals("timestamptz")
              ? Kind.TIMESTAMPTZ
              : Kind.TIMESTAMP;
      default -> Kind.STRING;
    };
  }

  private static DataType dataType(Kind kind, int jdbcType) {
    return switch (kind) {
      case BOOLEAN -> DataType.BOOLEAN;
      case LONG -> DataType.INTEGER;
      case DOUBLE, DECIMAL -> DataType.DOUBLE;
      case STRING -> isText(jdbcType) ? DataType.STRING : DataType.OTHER;
      case DATE -> DataType.DATE;
      case TIMESTAMP, TIMESTAMPTZ -> DataType.TIMESTAMP;
    };
  }

  private static boolean isText(int jdbcType) {
    return switch (jdbcType) {
      case Types.CHAR,
          Types.VARCHAR,
          Types.LONGVARCHAR,
          Types.NCHAR,
          Types.NVARCHAR,
          Types.LONGNVARCHAR,
          Types.CLOB,
          Types.NCLOB ->
          true;
      default -> false;
    };
  }

  private static String duck(Kind kind) {
    return switch (kind) {
      case BOOLEAN -> "BOOLEAN";
      case LONG -> "BIGINT";
      case DOUBLE, DECIMAL -> "DOUBLE";
      case STRING -> "VARCHAR";
      case DATE -> "DATE";
      case TIMESTAMP -> "TIMESTAMP";
      case TIMESTAMPTZ -> "TIMESTAMPTZ";
    };
  }
}
