package dev.tend.cli;

import static dev.tend.cli.Cli.assertCleanUsageError;
import static dev.tend.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input ends {@code tend check} with exit 2, one clear message naming what is wrong and where,
 * no stack trace, and nothing written: no report, no history, no split files.
 */
class BadInputTest {
  static final String DATA =
      """
      id,amount,status
      1,10.5,shipped
      2,20.0,pending
      3,30.0,shipped
      """;

  static final String SUITE =
      """
      checks:
        - completeness: {column: amount}
        - anomaly: {metric: row_count, max_decrease: 50%}
      """;

  @TempDir Path dir;
  Path data;
  Path suite;
  Path history;
  List<String> before;

  @BeforeEach
  void writeInputs() throws IOException {
    data = Files.writeString(dir.resolve("orders.csv"), DATA);
    suite = Files.writeString(dir.resolve("suite.yaml"), SUITE);
    history = Files.createDirectories(dir.resolve("history"));
    Files.createDirectories(dir.resolve("empty"));
  }

  /**
   * Runs check with every output option pointed into the temp folder, then proves nothing was
   * written.
   */
  private Cli.Result check(Object data, Object suite, Object... extra) {
    before = Cli.files(dir);
    List<Object> args =
        new ArrayList<>(
            List.of(
                "check",
                data,
                "--suite",
                suite,
                "--format",
                "json",
                "-o",
                dir.resolve("report.json"),
                "--history-dir",
                history));
    args.addAll(List.of(extra));
    if (!args.contains("--split")) {
      args.addAll(List.of("--split", dir.resolve("valid.csv"), dir.resolve("invalid.csv")));
    }
    Cli.Result result = run(args.toArray());
    assertCleanUsageError(result);
    assertThat(Cli.files(dir)).as("files after a failed run").isEqualTo(before);
    return result;
  }

  private Path suite(String text) throws IOException {
    return Files.writeString(dir.resolve("bad-suite.yaml"), text);
  }

  private static String firstLine(Cli.Result result) {
    return result.err().lines().findFirst().orElse("");
  }

  @Test
  void missingDataFile() {
    Cli.Result result = check(dir.resolve("nope.csv"), suite);
    assertThat(firstLine(result)).contains("nope.csv").containsIgnoringCase("no such file");
  }

  @Test
  void globMatchingNoFiles() {
    Cli.Result result = check(dir.resolve("empty").resolve("*.csv"), suite);
    assertThat(firstLine(result)).contains("*.csv").contains("matches no files");
  }

  @Test
  void emptyDataFile() throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.csv"), "");
    Cli.Result result = check(empty, suite);
    assertThat(firstLine(result)).contains("empty.csv");
  }

  @Test
  void unreadableDataFile() throws IOException {
    Path locked = Files.writeString(dir.resolve("locked.csv"), DATA);
    assertThat(locked.toFile().setReadable(false)).isTrue();
    org.junit.jupiter.api.Assumptions.assumeFalse(
        Files.isReadable(locked), "running as a user who reads everything");
    Cli.Result result = check(locked, suite);
    assertThat(firstLine(result)).contains("locked.csv");
  }

  @Test
  void csvRowWithWrongFieldCountNamesItsLine() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.csv"), DATA + "4,40.0,shipped,extra\n5,1,x\n");
    Cli.Result result = check(bad, suite);
    // header is line 1, the fourth data row is line 5
    assertThat(firstLine(result)).contains("bad.csv").contains("line 5");
  }

  /**
   * Regression: in a file this short DuckDB's sniffer took the long last row for the header and
   * silently dropped the real header and rows before it.
   */
  @Test
  void shortCsvWhoseLastRowHasAnExtraFieldIsNotReadFromThatRow() throws IOException {
    Path bad = Files.writeString(dir.resolve("short.csv"), "id,amount,status\n1,2,x\n2,3,y,4\n");
    Cli.Result result = check(bad, suite);
    assertThat(firstLine(result)).contains("short.csv").contains("line 3");
  }

  @Test
  void invalidYamlNamesLineAndColumn() throws IOException {
    Path bad = suite("checks:\n  - completeness: {column: amount\n  - row_count: {}\n");
    Cli.Result result = check(data, bad);
    assertThat(firstLine(result)).containsPattern("bad-suite\\.yaml:3:\\d+: invalid YAML");
  }

  @Test
  void unknownCheckKindSuggestsTheClosest() throws IOException {
    Cli.Result result = check(data, suite("checks:\n  - completenes: {column: amount}\n"));
    assertThat(firstLine(result))
        .contains("bad-suite.yaml:2:5")
        .contains("unknown check kind 'completenes'")
        .contains("did you mean 'completeness'");
  }

  @Test
  void unknownColumnSuggestsTheClosest() throws IOException {
    Cli.Result result = check(data, suite("checks:\n  - between: {column: amout, min: 0}\n"));
    assertThat(firstLine(result))
        .contains("bad-suite.yaml:2:5")
        .contains("'amout'")
        .contains("did you mean 'amount'");
  }

  @Test
  void ruleCallingAForbiddenFunction() throws IOException {
    Cli.Result result =
        check(data, suite("checks:\n  - rule: {expression: \"read_csv('/etc/passwd') > 0\"}\n"));
    assertThat(firstLine(result))
        .contains("bad-suite.yaml:2:")
        .contains("function 'read_csv' is not allowed");
  }

  @Test
  void ruleNamingAnUnknownColumn() throws IOException {
    Cli.Result result = check(data, suite("checks:\n  - rule: {expression: \"statuss = 'x'\"}\n"));
    assertThat(firstLine(result))
        .contains("bad-suite.yaml:2:")
        .contains("'statuss'")
        .contains("did you mean 'status'");
  }

  @Test
  void checkOnAColumnOfTheWrongType() throws IOException {
    Cli.Result result = check(data, suite("checks:\n  - regex: {column: amount, pattern: x}\n"));
    assertThat(firstLine(result)).contains("bad-suite.yaml:2:5").contains("'amount'");
  }

  @Test
  void missingSuiteFile() {
    Cli.Result result = check(data, dir.resolve("no-suite.yaml"));
    assertThat(firstLine(result)).contains("no-suite.yaml");
  }

  @Test
  void unknownReportFormat() {
    Cli.Result result = check(data, suite, "--format", "xml");
    assertThat(firstLine(result)).contains("--format").contains("'xml'");
  }

  @Test
  void splitIntoAnUnsupportedFileType() {
    Cli.Result result =
        check(data, suite, "--split", dir.resolve("valid.xlsx"), dir.resolve("invalid.csv"));
    assertThat(firstLine(result)).contains("valid.xlsx").contains(".csv, .parquet");
  }

  @Test
  void splitIntoTheSameFileTwice() {
    Cli.Result result =
        check(data, suite, "--split", dir.resolve("rows.csv"), dir.resolve("rows.csv"));
    assertThat(firstLine(result)).contains("two different files");
  }

  @Test
  void asOfThatIsNotAnInstant() {
    Cli.Result result = check(data, suite, "--as-of", "last tuesday");
    assertThat(firstLine(result)).contains("--as-of").contains("'last tuesday'");
  }

  @Test
  void jdbcQueryWithoutJdbcUrl() {
    before = Cli.files(dir);
    Cli.Result result =
        run(
            "check",
            "--query",
            "select 1",
            "--suite",
            suite,
            "-o",
            dir.resolve("report.json"),
            "--history-dir",
            history);
    assertCleanUsageError(result);
    assertThat(firstLine(result)).contains("--jdbc and --query go together");
    assertThat(Cli.files(dir)).isEqualTo(before);
  }

  @Test
  void outputIntoAFolderThatDoesNotExist() {
    before = Cli.files(dir);
    Cli.Result result =
        run("check", data, "--suite", suite, "-o", dir.resolve("no/such/report.json"));
    assertCleanUsageError(result);
    assertThat(firstLine(result)).contains("report.json");
    assertThat(Cli.files(dir)).isEqualTo(before);
  }
}
