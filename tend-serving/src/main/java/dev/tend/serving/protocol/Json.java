package dev.tend.serving.protocol;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Strict JSON reading and writing shared by the codecs, and how values are named in messages. */
final class Json {
  /*
   * Strict on purpose: duplicate keys would let two values claim one field, trailing content
   * hides a truncated or concatenated body, and NaN/Infinity tokens are not JSON.
   */
  static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .disable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final int QUOTE_LIMIT = 40;

  private Json() {}

  /** Parses a request body, refusing anything but one strict JSON value. */
  static JsonNode parse(byte[] body) {
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw new MalformedRequestException(ErrorCode.MALFORMED_JSON, describe(e), e);
    } catch (IOException e) {
      throw new MalformedRequestException(
          ErrorCode.MALFORMED_JSON, "the body could not be read: " + e.getMessage(), e);
    }
    if (node == null || node.isMissingNode()) {
      throw new MalformedRequestException(ErrorCode.MALFORMED_JSON, "the body is empty");
    }
    return node;
  }

  private static String describe(JsonProcessingException e) {
    String original = e.getOriginalMessage();
    String problem;
    if (original.startsWith("Non-standard token")) {
      problem =
          "NaN and Infinity are not JSON; send null for a missing value or, where the field"
              + " allows them, the strings \"NaN\", \"Infinity\" or \"-Infinity\"";
    } else if (original.startsWith("Duplicate field")) {
      problem = original.replace("Duplicate field", "duplicate key");
    } else {
      // keep the parser's words but not its advice on Jackson settings
      problem =
          original
              .lines()
              .findFirst()
              .orElse(original)
              .replaceAll(", from `[^`]*`\\)", ")")
              .replaceAll(": enable `[^`]*` to allow", "");
    }
    JsonLocation at = e.getLocation();
    String where =
        at == null || at.getLineNr() < 1
            ? ""
            : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return "the body is not valid JSON" + where + ": " + problem;
  }

  static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** The body as an object, or a clear error naming what it is instead. */
  static ObjectNode requireObject(JsonNode node, String expected) {
    if (node instanceof ObjectNode object) {
      return object;
    }
    throw new MalformedRequestException(
        ErrorCode.BAD_ENVELOPE, expected + ", got " + describe(node));
  }

  /** A {@code params} or {@code parameters} object as plain Java values; empty when absent. */
  static Map<String, Object> parameters(JsonNode node, String what) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new MalformedRequestException(
          ErrorCode.BAD_ENVELOPE, what + " must be an object, got " + Json.describe(node));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> values = Json.MAPPER.convertValue(node, Map.class);
    return values;
  }

  /** The field names of an object, in order. */
  static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A JSON value as a message names it: {@code the string "12km"}, {@code the number 1.5}. */
  static String describe(JsonNode node) {
    return switch (node.getNodeType()) {
      case STRING -> "the string " + quote(node.textValue());
      case NUMBER -> "the number " + node.asText();
      case BOOLEAN -> "the boolean " + node.asText();
      case NULL -> "null";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case BINARY, POJO, MISSING -> describeOther(node.getNodeType());
    };
  }

  private static String describeOther(JsonNodeType type) {
    return "a " + type.name().toLowerCase(Locale.ROOT) + " value";
  }

  static String quote(String text) {
    if (text.length() > QUOTE_LIMIT) {
      return '"'
          + escape(text.substring(0, QUOTE_LIMIT))
          + "…\" ("
          + text.length()
          + " characters)";
    }
    return '"' + escape(text) + '"';
  }

  private static String escape(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
