package dev.tend.server.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of one MLflow request, from its JSON body (POST) or query string (GET), read the
 * way protobuf's JSON mapping allows: 64-bit integers as numbers or decimal strings, doubles as
 * numbers or {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, unknown fields ignored.
 */
final class MlflowRequest {
  private final JsonNode body;

  private MlflowRequest(JsonNode body) {
    this.body = body;
  }

  static MlflowRequest ofBody(JsonNode body) {
    if (body == null || body.isNull() || body.isMissingNode()) {
      return new MlflowRequest(JsonNodeFactory.instance.objectNode());
    }
    if (!body.isObject()) {
      throw new MlflowError(
          MlflowError.MALFORMED_REQUEST, 400, "the request body must be a JSON object");
    }
    return new MlflowRequest(body);
  }

  /** Query parameters; a parameter given several times is a list, as for repeated fields. */
  static MlflowRequest ofQuery(Map<String, List<String>> query) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    query.forEach(
        (name, values) -> {
          if (values.size() == 1) {
            node.put(name, values.get(0));
          } else {
            ArrayNode array = node.putArray(name);
            values.forEach(array::add);
          }
        });
    return new MlflowRequest(node);
  }

  Optional<String> string(String name) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isValueNode()) {
      throw MlflowError.invalid("Invalid value for parameter '" + name + "': expected a string");
    }
    return Optional.of(value.asText());
  }

  String requiredString(String name) {
    return string(name).filter(s -> !s.isEmpty()).orElseThrow(() -> MlflowError.missing(name));
  }

  /** The run id, sent as {@code run_id} or, by older clients, {@code run_uuid}. */
  String runId() {
    return string("run_id")
        .filter(s -> !s.isEmpty())
        .or(() -> string("run_uuid").filter(s -> !s.isEmpty()))
        .orElseThrow(() -> MlflowError.missing("run_id"));
  }

  Optional<Long> int64(String name) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return Optional.of(value.asLong());
    }
    if (value.isTextual()) {
      try {
        return Optional.of(Long.parseLong(value.asText().trim()));
      } catch (NumberFormatException e) {
        // fall through to the error
      }
    }
    throw MlflowError.invalid(
        "Invalid value " + value + " for parameter '" + name + "': expected a 64-bit integer");
  }

  Optional<Double> number(String name) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    return Optional.of(toDouble(name, value));
  }

  static double toDouble(String name, JsonNode value) {
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isTextual()) {
      switch (value.asText()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          try {
            return Double.parseDouble(value.asText());
          } catch (NumberFormatException e) {
            break;
          }
      }
    }
    throw MlflowError.invalid(
        "Got invalid value "
            + value
            + " for '"
            + name
            + "'. Please specify value as a valid double"
            + " (64-bit floating point)");
  }

  /** A repeated string field (a JSON array, or a single value). */
  List<String> strings(String name) {
    JsonNode value = body.get(name);
    List<String> out = new ArrayList<>();
    if (value == null || value.isNull()) {
      return out;
    }
    if (value.isArray()) {
      value.forEach(v -> out.add(v.asText()));
    } else {
      out.add(value.asText());
    }
    return out;
  }

  /** A repeated message field. */
  List<JsonNode> objects(String name) {
    JsonNode value = body.get(name);
    List<JsonNode> out = new ArrayList<>();
    if (value == null || value.isNull()) {
      return out;
    }
    if (!value.isArray()) {
      throw MlflowError.invalid("Invalid value for parameter '" + name + "': expected a list");
    }
    value.forEach(
        v -> {
          if (!v.isObject()) {
            throw MlflowError.invalid(
                "Invalid value for parameter '" + name + "': expected a list of objects");
          }
          out.add(v);
        });
    return out;
  }
}
