package dev.tend.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.cli.Cli;
import org.junit.jupiter.api.Test;

/**
 * The diff table, from an answer shaped as the datasets API contract describes it (the server side
 * is built on another branch; the end-to-end test of diff waits for it).
 */
class DataDiffRenderTest {
  static final String ANSWER =
      """
      {"from": {"number": 2, "status": "accepted", "rows": 458170, "bytes": 1000,
                "created_at": "2026-01-01T00:00:00Z", "created_by": "ci"},
       "to": {"number": 3, "status": "rejected", "rows": 412353, "bytes": 900,
              "created_at": "2026-02-01T00:00:00Z", "created_by": "ci"},
       "schema": {"added": [{"name": "carrier", "type": "string"}],
                  "removed": [{"name": "tail", "type": "string"}],
                  "changed": [{"name": "distance", "from_type": "integer", "to_type": "double"}]},
       "rows": {"from": 458170, "to": 412353, "change": -45817, "relative_change": -0.1},
       "columns": [
         {"name": "delay", "type": "integer", "method": "psi", "score": 0.0213, "threshold": 0.2,
          "drifted": false, "null_fraction_from": 0.0, "null_fraction_to": 0.0},
         {"name": "origin", "type": "string", "method": "chi_square", "score": 0.31,
          "threshold": 0.1, "drifted": true, "null_fraction_from": 0.0,
          "null_fraction_to": 0.026}],
       "checks": {"newly_failing": [{"check": "completeness(origin)", "column": "origin",
                                     "severity": "error",
                                     "message": "11,940 of 412,353 rows missing (2.9%)"}],
                  "newly_passing": [],
                  "still_failing": [{"check": "max(distance)", "column": "distance",
                                     "severity": "warning", "message": null}]}}
      """;

  @Test
  void everyPartOfTheAnswerIsShown() throws Exception {
    JsonNode answer = Cli.JSON.readTree(ANSWER);

    String text = DataDiffCommand.render("flights", answer);

    assertThat(text)
        .isEqualTo(
            """
            flights@2 (accepted) -> flights@3 (rejected)

            Rows: 458,170 -> 412,353 (-45,817, -10.00%)

            Schema
              + carrier  string
              - tail  string
              ~ distance  integer -> double

            Drift per column
              COLUMN  TYPE     METHOD      SCORE   THRESHOLD  DRIFTED  NULLS
              delay   integer  psi         0.0213  0.2000     no       0.00% -> 0.00%
              origin  string   chi_square  0.3100  0.1000     DRIFTED  0.00% -> 2.60%

            Checks
              newly failing: completeness(origin) [error]  11,940 of 412,353 rows missing (2.9%)
              still failing: max(distance) [warning]
            """);
  }

  @Test
  void aDiffOfEqualVersionsSaysSo() throws Exception {
    JsonNode answer =
        Cli.JSON.readTree(
            """
            {"from": {"number": 1, "status": "accepted"}, "to": {"number": 1, "status": "accepted"},
             "schema": {"added": [], "removed": [], "changed": []},
             "rows": {"from": 0, "to": 0, "change": 0, "relative_change": null},
             "columns": [], "checks": {"newly_failing": [], "newly_passing": [],
             "still_failing": []}}
            """);

    assertThat(DataDiffCommand.render("t", answer))
        .contains("Rows: 0 -> 0 (+0)\n")
        .contains("Schema\n  unchanged\n")
        .contains("no columns in common")
        .contains("no check fails in either version");
  }
}
