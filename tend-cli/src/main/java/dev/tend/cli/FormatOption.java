package dev.tend.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code --format table|json} of the commands that list or show: a table for people (not a stable
 * format), or JSON for programs (stable: members are only ever added).
 */
public final class FormatOption {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table (default) or json.")
  String format;

  public boolean json() {
    return switch (format.toLowerCase(Locale.ROOT)) {
      case "table" -> false;
      case "json" -> true;
      default ->
          throw new Main.UsageException("unknown format '" + format + "'; use table or json");
    };
  }

  public static ObjectNode object() {
    return JSON.createObjectNode();
  }

  public static void print(PrintWriter out, JsonNode json) {
    try {
      out.println(JSON.writeValueAsString(json));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
  }
}
