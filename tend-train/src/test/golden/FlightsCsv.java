// Writes January 2001 of flights-3m.parquet as CSV for the Python golden scripts, which have no
// Parquet reader on this machine. Run: java -cp duckdb_jdbc.jar FlightsCsv.java IN.parquet OUT.csv
import java.sql.DriverManager;

public class FlightsCsv {
  public static void main(String[] args) throws Exception {
    try (var connection = DriverManager.getConnection("jdbc:duckdb:");
        var statement = connection.createStatement()) {
      statement.execute(
          "COPY (SELECT strftime(date, '%Y-%m-%d %H:%M:%S') AS date, delay, distance, origin,"
              + " destination FROM read_parquet('"
              + args[0].replace("'", "''")
              + "') WHERE date < TIMESTAMP '2001-02-01') TO '"
              + args[1].replace("'", "''")
              + "' (HEADER, DELIMITER ',')");
    }
  }
}
