package dev.tend.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Runs the tend command in-process and finds the shared real datasets; shared by CLI tests. */
public final class Cli {
  public static final ObjectMapper JSON = new ObjectMapper();

  private Cli() {}

  /** What one run of the command printed and returned. */
  public record Result(int exitCode, String out, String err) {
    public JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new UncheckedIOException("stdout is not JSON: " + out + "\nstderr: " + err, e);
      }
    }

    /** The one check named {@code name} in a JSON report. */
    public JsonNode check(String name) {
      List<JsonNode> found = new ArrayList<>();
      json().get("checks").forEach(c -> found.add(c));
      return found.stream()
          .filter(c -> c.get("name").asText().equals(name))
          .findFirst()
          .orElseThrow(
              () ->
                  new AssertionError(
                      "no check '"
                          + name
                          + "' in "
                          + found.stream().map(c -> c.get("name").asText()).toList()));
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  public static Result run(Object... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] strings = Stream.of(args).map(String::valueOf).toArray(String[]::new);
    int code = Main.run(strings, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  /** Runs the command with {@code environment} as its only environment variables. */
  public static Result runWith(Map<String, String> environment, Object... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] strings = Stream.of(args).map(String::valueOf).toArray(String[]::new);
    int code = Main.run(strings, new PrintWriter(out), new PrintWriter(err), environment);
    return new Result(code, out.toString(), err.toString());
  }

  /** Row numbers ({@code _row}) of a check's sample of failing rows. */
  public static List<Long> sampleRows(JsonNode check) {
    List<Long> rows = new ArrayList<>();
    check.get("sample").forEach(row -> rows.add(row.get("_row").asLong()));
    return rows;
  }

  /** The shared real data folder, found by walking up from the working directory. */
  public static Path sharedData(String file) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("data");
      if (Files.isDirectory(candidate)) {
        Path data = candidate.resolve(file);
        assumeTrue(Files.isReadable(data), data + " is not readable");
        return data;
      }
    }
    assumeTrue(false, "no shared/data folder above " + Path.of("").toAbsolutePath());
    throw new AssertionError("unreachable");
  }

  /** Every file under {@code dir}, relative to it, to prove a failed command wrote nothing. */
  public static List<String> files(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !p.equals(dir))
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void assertCleanUsageError(Result result) {
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(Main.USAGE);
    assertThat(result.out()).as(result.toString()).isEmpty();
    assertThat(result.err())
        .as(result.toString())
        .startsWith("tend: ")
        .doesNotContain("\tat ")
        .doesNotContainPattern("[A-Za-z]+(Exception|Error)\\b")
        .doesNotContain("internal error");
  }
}
