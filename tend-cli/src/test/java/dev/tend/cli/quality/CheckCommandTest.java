package dev.tend.cli.quality;

import static dev.tend.cli.Cli.run;
import static dev.tend.cli.Cli.sampleRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.Cli;
import dev.tend.cli.Main;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;

/**
 * {@code tend check} end to end, in-process: a small orders file with planted defects and a suite
 * using every check kind, judged through the JSON, JUnit and split outputs.
 */
class CheckCommandTest {
  /*
   * Planted defects, by 1-based data row (= id unless noted):
   *   3 amount -5 (between, non_negative)        5 status 'lost' (in_set)
   *   7 amount missing (completeness; the rule, as null is not <= 1000)
   *   9 email 'not-an-email' (regex)             11 id 10 again (unique id, with row 10)
   *  12 customer 'C1' (length)                   14 zip '1001A' (conforms integer)
   *  16 shipped amount 5000 (rule, max(amount))  19 customer+created_at of row 18 (unique pair)
   */
  static final String ORDERS =
      """
      id,customer,amount,status,created_at,email,zip
      1,C001,120.50,shipped,2024-03-01 10:00:00,a@x.com,10001
      2,C002,80.00,pending,2024-03-02 11:00:00,b@x.com,10002
      3,C003,-5.00,shipped,2024-03-03 12:00:00,c@x.com,10003
      4,C004,45.25,cancelled,2024-03-04 09:30:00,d@x.com,10004
      5,C005,60.00,lost,2024-03-05 14:00:00,e@x.com,10005
      6,C006,99.99,pending,2024-03-06 15:00:00,f@x.com,10006
      7,C007,,shipped,2024-03-07 16:00:00,g@x.com,10007
      8,C008,250.00,shipped,2024-03-08 08:00:00,h@x.com,10008
      9,C009,30.00,pending,2024-03-09 10:15:00,not-an-email,10009
      10,C010,75.00,shipped,2024-03-10 10:00:00,j@x.com,10010
      10,C011,76.00,pending,2024-03-11 10:00:00,k@x.com,10011
      12,C1,20.00,cancelled,2024-03-12 10:00:00,l@x.com,10012
      13,C013,310.00,shipped,2024-03-13 10:00:00,m@x.com,10013
      14,C014,15.00,pending,2024-03-14 10:00:00,n@x.com,1001A
      15,C015,42.00,shipped,2024-03-15 10:00:00,o@x.com,10015
      16,C016,5000.00,shipped,2024-03-16 10:00:00,p@x.com,10016
      17,C017,64.00,pending,2024-03-17 10:00:00,q@x.com,10017
      18,C018,88.00,shipped,2024-03-18 10:00:00,r@x.com,10018
      19,C018,91.00,shipped,2024-03-18 10:00:00,s@x.com,10019
      20,C020,55.00,cancelled,2024-03-20 10:00:00,t@x.com,10020
      """;

  /** Rows failing at least one row-level check: exactly what --split must write as invalid. */
  static final Set<Long> ROW_LEVEL_FAILURES = Set.of(3L, 5L, 7L, 9L, 12L, 14L, 16L);

  static final String SUITE =
      """
      version: 1
      name: orders
      thresholds:
        overall: 80%
        validity: 95%
      checks:
        - schema:
            columns:
              - {name: id, type: integer}
              - {name: customer, type: string}
              - {name: amount, type: double}
              - {name: status, type: string}
              - {name: created_at, type: timestamp}
              - {name: email, type: string}
              - {name: zip, type: string}
            allow_extra: false
        - row_count: {min: 10, max: 100}
        - completeness: {column: amount}
        - completeness: {column: email}
        - between: {column: amount, min: 0, max: 10000}
        - in_set: {column: status, values: [shipped, pending, cancelled]}
        - regex: {column: email, pattern: '[a-z]+@[a-z]+\\.com'}
        - conforms: {column: zip, type: integer}
        - non_negative: {column: amount}
        - length: {column: customer, min: 4, max: 4}
        - unique: {column: id}
        - unique: {columns: [customer, created_at]}
        - rule: {expression: amount <= 1000}
          name: shipped orders under 1000
          where: status = 'shipped'
        - freshness: {column: created_at, max_age: 2d}
        - statistic: {column: amount, stat: max, max: 1000}
        - statistic: {column: amount, stat: mean, min: 0, max: 1000}
        - distribution: {column: amount, reference: same.csv}
          name: amount like itself
        - distribution: {column: amount, reference: cents.csv}
          name: amount like the old cents feed
        - anomaly: {metric: row_count, max_decrease: 50%}
      """;

  @TempDir Path dir;
  Path data;
  Path suite;
  Path history;

  @BeforeEach
  void writeInputs() throws IOException {
    data = Files.writeString(dir.resolve("orders.csv"), ORDERS);
    suite = Files.writeString(dir.resolve("suite.yaml"), SUITE);
    Files.writeString(dir.resolve("same.csv"), ORDERS);
    Files.writeString(dir.resolve("cents.csv"), inCents(ORDERS));
    history = dir.resolve("history");
    Files.createDirectories(history);
  }

  /** The same orders with amounts in cents: a unit change the distribution check must see. */
  private static String inCents(String csv) {
    StringBuilder out = new StringBuilder();
    for (String line : csv.lines().toList()) {
      String[] f = line.split(",", -1);
      if (!f[2].isEmpty() && !f[2].equals("amount")) {
        f[2] = String.valueOf(Double.parseDouble(f[2]) * 100);
      }
      out.append(String.join(",", f)).append('\n');
    }
    return out.toString();
  }

  private Cli.Result check(Object... extra) {
    Object[] base = {"check", data, "--suite", suite, "--as-of", "2024-03-21T00:00:00Z"};
    Object[] args = new Object[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return run(args);
  }

  @Test
  void jsonReportCountsEveryPlantedDefectAndPointsAtItsRow() {
    Cli.Result result = check("--format", "json", "--history-dir", history);

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.CHECK_FAILED);
    JsonNode report = result.json();
    assertThat(report.get("row_count").asLong()).isEqualTo(20);
    assertThat(report.get("passed").asBoolean()).isFalse();

    assertPassed(result.check("schema"));
    assertPassed(result.check("row_count"));
    assertRowLevel(result.check("completeness(amount)"), 1, 20, List.of(7L));
    assertRowLevel(result.check("completeness(email)"), 0, 20, List.of());
    // the missing amount of row 7 is not judged by value checks: 19 evaluated
    assertRowLevel(result.check("between(amount)"), 1, 19, List.of(3L));
    assertRowLevel(result.check("non_negative(amount)"), 1, 19, List.of(3L));
    assertRowLevel(result.check("in_set(status)"), 1, 20, List.of(5L));
    assertRowLevel(result.check("regex(email)"), 1, 20, List.of(9L));
    assertRowLevel(result.check("conforms(zip)"), 1, 20, List.of(14L));
    assertRowLevel(result.check("length(customer)"), 1, 20, List.of(12L));
    // only the 10 shipped rows are judged; row 7's missing amount fails the rule too
    assertRowLevel(result.check("shipped orders under 1000"), 2, 10, List.of(7L, 16L));
    assertThat(result.check("shipped orders under 1000").get("where").asText())
        .isEqualTo("status = 'shipped'");

    // uniqueness counts surplus rows and shows every row of a duplicated key
    assertRowLevel(result.check("unique(id)"), 1, 20, List.of(10L, 11L));
    assertRowLevel(result.check("unique(customer, created_at)"), 1, 20, List.of(18L, 19L));
    assertThat(result.check("unique(customer, created_at)").get("columns"))
        .extracting(JsonNode::asText)
        .containsExactly("customer", "created_at");

    JsonNode freshness = result.check("freshness(created_at)");
    assertPassed(freshness);
    assertThat(freshness.get("observed").asText()).contains("2024-03-20 10:00:00", "14h");

    JsonNode max = result.check("max(amount)");
    assertThat(max.get("outcome").asText()).isEqualTo("failed");
    assertThat(max.get("failing_rows").isNull()).isTrue();
    assertThat(max.get("observed").asText()).contains("5,000");
    assertPassed(result.check("mean(amount)"));

    assertPassed(result.check("amount like itself"));
    JsonNode drift = result.check("amount like the old cents feed");
    assertThat(drift.get("outcome").asText()).isEqualTo("failed");
    assertThat(drift.get("expected").asText()).contains("cents.csv");

    JsonNode anomaly = result.check("anomaly(row_count)");
    assertPassed(anomaly);
    assertThat(anomaly.get("message").asText()).contains("no earlier run");

    JsonNode summary = report.get("summary");
    assertThat(summary.get("checks").asInt()).isEqualTo(19);
    assertThat(summary.get("failed_errors").asInt()).isEqualTo(12);
    assertThat(summary.get("passed").asInt()).isEqualTo(7);
  }

  @Test
  void scoresAreTheMeanOfEachDimensionsChecksAndThresholdsJudgeThem() {
    JsonNode report = check("--format", "json", "--no-history").json();

    Map<String, double[]> sums = new HashMap<>();
    report
        .get("checks")
        .forEach(
            c -> {
              double[] sum = sums.computeIfAbsent(c.get("dimension").asText(), d -> new double[2]);
              sum[0] += c.get("score").asDouble();
              sum[1]++;
            });
    JsonNode scores = report.get("scores");
    double overall = 0;
    for (Map.Entry<String, double[]> e : sums.entrySet()) {
      double mean = e.getValue()[0] / e.getValue()[1];
      assertThat(scores.get(e.getKey()).asDouble()).as(e.getKey()).isCloseTo(mean, within(0.02));
      overall += mean / sums.size();
    }
    assertThat(scores.get("overall").asDouble()).isCloseTo(overall, within(0.02));
    // by hand: 1 of 20 rows missing amount, row 7 judged by completeness(amount) only
    assertThat(scores.get("completeness").asDouble()).isEqualTo(98.33);
    assertThat(scores.get("uniqueness").asDouble()).isEqualTo(95.0);
    assertThat(scores.get("timeliness").asDouble()).isEqualTo(100.0);

    JsonNode thresholds = report.get("thresholds");
    assertThat(thresholds).hasSize(2);
    assertThat(thresholds.get(0).get("dimension").asText()).isEqualTo("overall");
    assertThat(thresholds.get(0).get("min_percent").asDouble()).isEqualTo(80.0);
    assertThat(thresholds.get(0).get("score").asDouble())
        .isEqualTo(scores.get("overall").asDouble());
    assertThat(thresholds.get(0).get("passed").asBoolean())
        .isEqualTo(scores.get("overall").asDouble() >= 80);
    assertThat(thresholds.get(1).get("dimension").asText()).isEqualTo("validity");
    assertThat(thresholds.get(1).get("passed").asBoolean()).isFalse();
  }

  @Test
  void thresholdBreachAloneFailsTheRun() throws IOException {
    // row 7 is the one missing amount: 1 of 7 rows missing is tolerated by the check (max 20%)
    // but scores completeness 85.71%, under the 90% threshold
    Files.writeString(data, String.join("\n", ORDERS.lines().limit(8).toList()) + "\n");
    Files.writeString(
        suite,
        """
        thresholds: {overall: 80, completeness: 90}
        checks:
          - completeness: {column: amount, max_missing: 20%}
        """);
    Cli.Result result = check("--format", "json", "--no-history");

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.CHECK_FAILED);
    JsonNode report = result.json();
    assertThat(report.get("summary").get("failed_errors").asInt()).isZero();
    assertThat(result.check("completeness(amount)").get("outcome").asText()).isEqualTo("passed");
    JsonNode thresholds = report.get("thresholds");
    assertThat(thresholds.get(0).get("passed").asBoolean()).isTrue();
    assertThat(thresholds.get(1).get("dimension").asText()).isEqualTo("completeness");
    assertThat(thresholds.get(1).get("score").asDouble()).isEqualTo(85.71);
    assertThat(thresholds.get(1).get("passed").asBoolean()).isFalse();
  }

  @Test
  void freshnessFailsWhenJudgedLaterThanMaxAge() {
    Cli.Result result =
        run(
            "check",
            data,
            "--suite",
            suite,
            "--format",
            "json",
            "--no-history",
            "--as-of",
            "2024-03-23");

    JsonNode freshness = result.check("freshness(created_at)");
    assertThat(freshness.get("outcome").asText()).isEqualTo("failed");
    assertThat(freshness.get("observed").asText()).contains("2d 14h");
  }

  @Test
  void anomalyComparesWithTheHistoryOfEarlierRuns() throws IOException {
    Cli.Result first = check("--format", "json", "--history-dir", history, "--dataset", "orders");
    assertThat(first.check("anomaly(row_count)").get("message").asText()).contains("no earlier");
    assertThat(history.resolve("history.db")).exists();

    Cli.Result second = check("--format", "json", "--history-dir", history, "--dataset", "orders");
    JsonNode steady = second.check("anomaly(row_count)");
    assertPassed(steady);
    assertThat(steady.get("message").isNull()).as(steady.toString()).isTrue();

    // a batch of 5 rows after batches of 20 is a drop of 75%
    Files.writeString(
        data,
        ORDERS.lines().limit(1).findFirst().orElseThrow()
            + "\n"
            + String.join("\n", ORDERS.lines().skip(13).limit(5).toList())
            + "\n");
    Cli.Result third = check("--format", "json", "--history-dir", history, "--dataset", "orders");
    assertThat(third.json().get("row_count").asLong()).isEqualTo(5);
    JsonNode drop = third.check("anomaly(row_count)");
    assertThat(drop.get("outcome").asText()).as(drop.toString()).isEqualTo("failed");
    assertThat(third.exitCode()).isEqualTo(Main.CHECK_FAILED);
  }

  @Test
  void junitReportIsXmlWithOneFailurePerFailedCheckAndThreshold() throws Exception {
    Cli.Result result = check("--format", "junit", "--no-history");

    assertThat(result.exitCode()).isEqualTo(Main.CHECK_FAILED);
    Document xml =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new InputSource(new StringReader(result.out())));
    Element suites = xml.getDocumentElement();
    assertThat(suites.getTagName()).isEqualTo("testsuites");
    // 19 checks + 2 thresholds; 12 failed checks + the validity threshold
    assertThat(suites.getAttribute("tests")).isEqualTo("21");
    assertThat(suites.getAttribute("failures")).isEqualTo("13");
    assertThat(xml.getElementsByTagName("testcase").getLength()).isEqualTo(21);
    assertThat(xml.getElementsByTagName("failure").getLength()).isEqualTo(13);
    Set<String> failed = new TreeSet<>();
    var failures = xml.getElementsByTagName("failure");
    for (int i = 0; i < failures.getLength(); i++) {
      failed.add(((Element) failures.item(i).getParentNode()).getAttribute("name"));
    }
    assertThat(failed).contains("in_set(status)", "unique(customer, created_at)", "max(amount)");
    assertThat(failed).doesNotContain("schema", "mean(amount)", "amount like itself");
  }

  @Test
  void splitWritesExactlyThePlantedRowLevelFailuresAsInvalid() throws IOException {
    Path valid = dir.resolve("valid.csv");
    Path invalid = dir.resolve("invalid.csv");
    Cli.Result result = check("--no-history", "--split", valid, invalid);

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.CHECK_FAILED);
    assertThat(result.err()).contains("13 valid rows", "7 invalid rows");
    List<String> validRows = Files.readAllLines(valid);
    List<String> invalidRows = Files.readAllLines(invalid);
    assertThat(validRows.get(0)).isEqualTo(invalidRows.get(0)).startsWith("id,customer,amount");
    assertThat(validRows.size() - 1 + invalidRows.size() - 1).isEqualTo(20);
    // ids equal the planted row numbers for the row-level failures
    assertThat(invalidRows.stream().skip(1).map(l -> Long.parseLong(l.split(",")[0])))
        .containsExactlyInAnyOrderElementsOf(ROW_LEVEL_FAILURES);
    // dataset-level failures (duplicates) stay in the valid file
    assertThat(validRows).anyMatch(l -> l.startsWith("19,C018,"));
  }

  @Test
  void splitRowsPassTheSuiteRowChecksWhenCheckedAgain() throws IOException {
    Path valid = dir.resolve("valid.parquet");
    Path invalid = dir.resolve("invalid.jsonl");
    check("--no-history", "--split", valid, invalid);
    Files.writeString(
        suite,
        """
        checks:
          - completeness: {column: amount}
          - between: {column: amount, min: 0, max: 10000}
          - in_set: {column: status, values: [shipped, pending, cancelled]}
          - regex: {column: email, pattern: '[a-z]+@[a-z]+\\.com'}
          - length: {column: customer, min: 4, max: 4}
          - rule: {expression: amount <= 1000}
            where: status = 'shipped'
        """);
    Cli.Result again = run("check", valid, "--suite", suite, "--no-history");
    assertThat(again.exitCode()).as(again.toString()).isEqualTo(Main.OK);
    assertThat(Files.readAllLines(invalid)).hasSize(7);
  }

  @Test
  void outputFileHoldsTheWholeReportAndNoTemporaryFilesRemain() throws IOException {
    Path report = dir.resolve("report.json");
    Files.writeString(report, "an older report");
    Cli.Result result = check("--format", "json", "--no-history", "-o", report);

    assertThat(result.exitCode()).isEqualTo(Main.CHECK_FAILED);
    assertThat(result.out()).isEmpty();
    JsonNode written = Cli.JSON.readTree(report.toFile());
    assertThat(written.get("checks")).hasSize(19);
    assertThat(Cli.files(dir)).noneMatch(f -> f.endsWith(".tmp") || f.startsWith(".tend-"));
  }

  @Test
  void passingSuiteExitsZero() throws IOException {
    Files.writeString(
        suite,
        """
        checks:
          - row_count: {min: 20, max: 20}
          - completeness: {column: id}
          - in_set: {column: status, values: [shipped, pending, cancelled, lost]}
        """);
    Cli.Result result = check("--no-history");
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.OK);
    assertThat(result.out()).contains("PASS");
  }

  private static void assertPassed(JsonNode check) {
    assertThat(check.get("outcome").asText()).as(check.toString()).isEqualTo("passed");
    assertThat(check.get("score").asDouble()).isEqualTo(100.0);
  }

  private static void assertRowLevel(
      JsonNode check, long failing, long evaluated, List<Long> rows) {
    assertThat(check.get("outcome").asText())
        .as(check.toString())
        .isEqualTo(failing == 0 ? "passed" : "failed");
    assertThat(check.get("failing_rows").asLong()).as(check.toString()).isEqualTo(failing);
    assertThat(check.get("evaluated_rows").asLong()).as(check.toString()).isEqualTo(evaluated);
    assertThat(sampleRows(check)).as(check.toString()).containsExactlyElementsOf(rows);
    assertThat(check.get("score").asDouble())
        .isCloseTo(Math.round(10000.0 * (evaluated - failing) / evaluated) / 100.0, within(1e-9));
  }
}
