package dev.tend.suite;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The published JSON Schema and the parser must agree: what the schema accepts parses, and the
 * schema names exactly the kinds and keys the parser knows, so editors never suggest a key that
 * Tend rejects.
 */
class SuiteSchemaTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static Schema schema;
  private static String schemaText;

  @BeforeAll
  static void load() throws Exception {
    schemaText = Files.readString(ROOT.resolve("schemas/suite.schema.json"));
    schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(schemaText, InputFormat.JSON);
  }

  private static List<Error> validate(String yaml) {
    return schema.validate(yaml, InputFormat.YAML);
  }

  @Test
  void exampleSuitesAreValid() throws Exception {
    List<Path> suites = new ArrayList<>();
    try (var files = Files.walk(ROOT.resolve("examples"))) {
      files
          .filter(p -> p.toString().endsWith(".yaml") && !p.toString().contains("/ci/"))
          // Pipelines, automation policies and alert rules sit next to suites: a suite is the
          // file that names the suite schema for editors (tend-pipeline checks the others).
          .filter(SuiteSchemaTest::declaresTheSuiteSchema)
          .forEach(suites::add);
    }
    assertThat(suites).isNotEmpty();
    for (Path suite : suites) {
      assertThat(validate(Files.readString(suite))).as(suite.toString()).isEmpty();
      SuiteParser.read(suite);
    }
  }

  private static boolean declaresTheSuiteSchema(Path file) {
    try {
      return Files.readString(file).contains("$schema=../../schemas/suite.schema.json");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "checks:\n  - completness: {column: a}\n",
        "checks:\n  - between: {column: a, minimum: 1}\n",
        "checks:\n  - completeness: {column: a, max_missing: 5}\n",
        "checks:\n  - completeness: {column: a}\n    severity: fatal\n",
        "thresholds: {speed: 90%}\nchecks: []\n",
        "version: 2\nchecks: []\n",
        "name: x\n",
      })
  void schemaRejectsWhatTheParserRejects(String yaml) {
    assertThat(validate(yaml)).isNotEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SuiteParser.parse(yaml, "s.yaml", "s"))
        .isInstanceOf(SuiteException.class);
  }

  @Test
  void schemaNamesExactlyTheParsersKindsAndKeys() throws Exception {
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(schemaText);
    var variants = tree.at("/properties/checks/items/oneOf");
    List<String> kinds = new ArrayList<>();
    for (var variant : variants) {
      String kind = variant.get("title").asText();
      kinds.add(kind);
      List<String> keys = new ArrayList<>();
      variant.at("/properties/" + kind + "/properties").fieldNames().forEachRemaining(keys::add);
      assertThat(keys).as(kind).containsExactlyInAnyOrderElementsOf(CheckKinds.keys(kind));
    }
    assertThat(kinds).containsExactlyElementsOf(CheckKinds.ALL);
  }
}
