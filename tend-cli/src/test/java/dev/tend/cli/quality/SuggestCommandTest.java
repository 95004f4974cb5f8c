package dev.tend.cli.quality;

import static dev.tend.cli.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Cli;
import dev.tend.cli.Main;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue: "a suite suggested from clean rows of movies.json must flag its real defects". Clean
 * rows are chosen by a rule from the real data; the suggested suite must pass on them and fail on
 * the real file and on typical breakage of a new batch.
 */
class SuggestCommandTest {
  static final List<String> KEPT =
      List.of(
          "Title",
          "US Gross",
          "Worldwide Gross",
          "Production Budget",
          "Release Date",
          "MPAA Rating",
          "Running Time min",
          "Major Genre",
          "Creative Type",
          "IMDB Rating",
          "IMDB Votes",
          "Rotten Tomatoes Rating");

  /** MPAA ratings that exist; 'Open' in the data is not one. */
  static final Set<String> RATINGS = Set.of("G", "PG", "PG-13", "R", "NC-17", "Not Rated");

  static final DateTimeFormatter RELEASE = DateTimeFormatter.ofPattern("MMM dd yyyy", Locale.US);

  @TempDir Path dir;
  Path movies;
  ArrayNode all;
  ArrayNode clean;

  @BeforeEach
  void pickCleanRows() throws IOException {
    movies = Cli.sharedData("movies.json");
    all = (ArrayNode) Cli.JSON.readTree(movies.toFile());
    clean = Cli.JSON.createArrayNode();
    for (JsonNode row : all) {
      if (isClean(row)) {
        ObjectNode kept = Cli.JSON.createObjectNode();
        KEPT.forEach(k -> kept.set(k, row.get(k)));
        clean.add(kept);
      }
    }
    assertThat(clean.size()).as("clean rows").isBetween(500, 2000);
  }

  /**
   * Clean: every kept column present, a text title, a positive gross no larger worldwide than in
   * the US, a real MPAA rating, a release year no later than the data's last year (2010).
   */
  static boolean isClean(JsonNode row) {
    for (String column : KEPT) {
      if (row.get(column) == null || row.get(column).isNull()) {
        return false;
      }
    }
    return row.get("Title").isTextual()
        && row.get("US Gross").asLong() > 0
        && row.get("Worldwide Gross").asLong() >= row.get("US Gross").asLong()
        && RATINGS.contains(row.get("MPAA Rating").asText())
        && releaseDate(row).getYear() <= 2010;
  }

  static LocalDate releaseDate(JsonNode row) {
    return LocalDate.parse(row.get("Release Date").asText(), RELEASE);
  }

  private Path write(String name, ArrayNode rows) throws IOException {
    Path file = dir.resolve(name);
    Cli.JSON.writeValue(file.toFile(), rows);
    return file;
  }

  private Path suggest(Path data, Object... extra) {
    Path suite = dir.resolve("suite.yaml");
    List<Object> args = new ArrayList<>(List.of("suggest", data, "--out", suite));
    args.addAll(List.of(extra));
    Cli.Result result = run(args.toArray());
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.OK);
    assertThat(result.err()).contains("suggested");
    return suite;
  }

  private Cli.Result check(Path data, Path suite, Object... extra) {
    List<Object> args =
        new ArrayList<>(
            List.of("check", data, "--suite", suite, "--format", "json", "--no-history"));
    args.addAll(List.of(extra));
    return run(args.toArray());
  }

  private static Set<String> failedChecks(Cli.Result result) {
    Set<String> failed = new TreeSet<>();
    result
        .json()
        .get("checks")
        .forEach(
            c -> {
              if (c.get("outcome").asText().equals("failed")) {
                failed.add(c.get("name").asText());
              }
            });
    return failed;
  }

  private long nulls(String column) {
    long n = 0;
    for (JsonNode row : all) {
      n += row.get(column) == null || row.get(column).isNull() ? 1 : 0;
    }
    return n;
  }

  @Test
  void suggestedSuitePassesOnTheCleanRows() throws IOException {
    Path data = write("clean.json", clean);
    Path suite = suggest(data);

    Cli.Result result = check(data, suite);
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.OK);
    assertThat(result.json().get("row_count").asLong()).isEqualTo(clean.size());
  }

  @Test
  void suiteSuggestedFromCleanRowsFlagsTheRealDefectsOfMoviesJson() throws IOException {
    Path suite = suggest(write("clean.json", clean));

    Cli.Result result = check(movies, suite, "--sample", 50);

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.CHECK_FAILED);
    // numeric titles make the column JSON, not text; extra columns the clean rows dropped
    assertThat(result.check("schema").get("observed").asText())
        .contains("Title is other", "unexpected column Director");
    // missing values, counted independently from the parsed file
    for (String column :
        List.of("Title", "US Gross", "MPAA Rating", "Running Time min", "Major Genre")) {
      JsonNode completeness = result.check("completeness(" + column + ")");
      assertThat(completeness.get("outcome").asText()).isEqualTo("failed");
      assertThat(completeness.get("failing_rows").asLong()).as(column).isEqualTo(nulls(column));
    }
    // 'Open' is not an MPAA rating (NC-17 is, but no clean row has it)
    Set<Long> badRatings = new TreeSet<>();
    for (int i = 0; i < all.size(); i++) {
      JsonNode rating = all.get(i).get("MPAA Rating");
      if (!rating.isNull() && Set.of("Open", "NC-17").contains(rating.asText())) {
        badRatings.add(i + 1L);
      }
    }
    JsonNode inSet = result.check("in_set(MPAA Rating)");
    assertThat(inSet.get("failing_rows").asLong()).isEqualTo(badRatings.size());
    assertThat(Cli.sampleRows(inSet)).containsExactlyInAnyOrderElementsOf(badRatings);
    // the same film listed twice: titles were unique in the clean rows
    assertThat(result.check("unique(Title)").get("outcome").asText()).isEqualTo("failed");
  }

  /** A new batch made from the clean rows and broken in one typical way must fail. */
  private Set<String> brokenBatch(Consumer<ArrayNode> breakage) throws IOException {
    Path suite = suggest(write("clean.json", clean));
    ArrayNode batch = clean.deepCopy();
    breakage.accept(batch);
    Cli.Result result = check(write("batch.json", batch), suite);
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.CHECK_FAILED);
    return failedChecks(result);
  }

  @Test
  void burstOfNulls() throws IOException {
    Set<String> failed =
        brokenBatch(
            rows -> {
              for (int i = 0; i < rows.size(); i += 10) {
                ((ObjectNode) rows.get(i)).putNull("IMDB Rating");
              }
            });
    assertThat(failed).containsExactly("completeness(IMDB Rating)");
  }

  @Test
  void unitChangeOfANumericColumn() throws IOException {
    Set<String> failed =
        brokenBatch(
            rows ->
                rows.forEach(
                    r ->
                        ((ObjectNode) r)
                            .put("Running Time min", r.get("Running Time min").asLong() * 1000)));
    assertThat(failed).contains("between(Running Time min)", "mean(Running Time min)");
  }

  @Test
  void renamedCategories() throws IOException {
    Set<String> failed =
        brokenBatch(
            rows ->
                rows.forEach(
                    r -> {
                      if (r.get("Major Genre").asText().equals("Comedy")) {
                        ((ObjectNode) r).put("Major Genre", "comedy");
                      }
                    }));
    assertThat(failed).containsExactly("in_set(Major Genre)");
  }

  @Test
  void duplicatedRows() throws IOException {
    Set<String> failed =
        brokenBatch(
            rows -> {
              int n = rows.size();
              for (int i = 0; i < n; i += 20) {
                rows.add(rows.get(i).deepCopy());
              }
            });
    assertThat(failed).contains("unique(Title)");
  }

  @Test
  void droppedColumn() throws IOException {
    Set<String> failed =
        brokenBatch(rows -> rows.forEach(r -> ((ObjectNode) r).remove("Creative Type")));
    assertThat(failed).contains("schema", "completeness(Creative Type)", "in_set(Creative Type)");
  }

  @Test
  void renamedColumn() throws IOException {
    Set<String> failed =
        brokenBatch(
            rows ->
                rows.forEach(
                    r -> {
                      ObjectNode o = (ObjectNode) r;
                      o.set("IMDb Rating", o.remove("IMDB Rating"));
                    }));
    assertThat(failed).contains("schema", "completeness(IMDB Rating)");
  }

  @Test
  void staleTimestamps() throws IOException {
    ArrayNode dated = clean.deepCopy();
    dated.forEach(r -> ((ObjectNode) r).put("Release Date", releaseDate(r).toString()));
    LocalDate newest =
        java.util.stream.StreamSupport.stream(dated.spliterator(), false)
            .map(r -> LocalDate.parse(r.get("Release Date").asText()))
            .max(LocalDate::compareTo)
            .orElseThrow();
    String asOf = newest.plusDays(1).toString();
    Path suite = suggest(write("dated.json", dated), "--as-of", asOf);
    assertThat(check(dir.resolve("dated.json"), suite, "--as-of", asOf).exitCode())
        .isEqualTo(Main.OK);

    ArrayNode stale = dated.deepCopy();
    stale.forEach(
        r ->
            ((ObjectNode) r)
                .put(
                    "Release Date",
                    LocalDate.parse(r.get("Release Date").asText()).minusYears(1).toString()));
    Cli.Result result = check(write("stale.json", stale), suite, "--as-of", asOf);
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.CHECK_FAILED);
    assertThat(failedChecks(result)).contains("freshness(Release Date)");
  }
}
