package dev.tend.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Golden errors: every file under {@code malformed/} must fail with exactly the message, file, line
 * and column recorded in {@code malformed/expected.txt}, and every recorded file must exist.
 */
class MalformedPipelinesTest {
  private static final Path DIR = Path.of("src/test/resources/malformed");

  @Test
  void eachMalformedFileFailsWithItsGoldenError() throws Exception {
    List<String> actual = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> listing = Files.list(DIR)) {
      files = listing.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(15);
    for (Path file : files) {
      String name = file.getFileName().toString();
      PipelineException error =
          catchThrowableOfType(
              PipelineException.class, () -> PipelineParser.parse(Files.readString(file), name));
      assertThat(error).as(name + " should be rejected").isNotNull();
      assertThat(error.location().line()).as(name + " has a line").isPositive();
      actual.add(error.describe());
    }
    List<String> expected =
        Files.readAllLines(DIR.resolve("expected.txt")).stream()
            .filter(line -> !line.isBlank())
            .toList();
    assertThat(actual).containsExactlyElementsOf(expected);
  }
}
