package dev.tend.server.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tend.pipeline.Param;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values a step's text may refer to: {@code ${params.<name>}} (the run's parameter values) and
 * {@code ${steps.<id>.outputs.<name>}} (the outputs of steps that succeeded). The parser checked at
 * enqueue that every reference names a known parameter or an upstream step's output, so a missing
 * value here means the upstream step did not produce it.
 */
final class Bindings {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{\\s*([^}]*?)\\s*}");
  private static final Pattern STEP = Pattern.compile("steps\\.([^.]+)\\.outputs\\.([^.]+)");
  private static final Pattern PARAM = Pattern.compile("params\\.([^.]+)");

  private final Map<String, Object> params;
  private final Map<String, JsonNode> outputs = new LinkedHashMap<>();

  /**
   * @param params each parameter's typed value (after defaults)
   */
  Bindings(Map<String, Object> params) {
    this.params = Map.copyOf(params);
  }

  void putOutputs(String stepId, JsonNode stepOutputs) {
    outputs.put(stepId, stepOutputs);
  }

  /** A step's output, as stored (text, number or object). */
  Optional<JsonNode> output(String stepId, String name) {
    return Optional.ofNullable(outputs.get(stepId)).map(o -> o.get(name));
  }

  Map<String, Object> params() {
    return params;
  }

  /**
   * A value written in the pipeline: a text that is exactly one reference becomes the referred
   * value with its type (a param's integer stays an integer); references inside longer text are
   * replaced by their text.
   */
  Object value(Object written) throws StepFailure {
    if (!(written instanceof String text)) {
      return written;
    }
    Matcher whole = REFERENCE.matcher(text.trim());
    if (whole.matches()) {
      return referred(whole.group(1));
    }
    return text(text);
  }

  /** {@code written} with every reference replaced by its value's text. */
  String text(String written) throws StepFailure {
    Matcher m = REFERENCE.matcher(written);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Object value = referred(m.group(1));
      String replacement =
          value instanceof JsonNode node
              ? (node.isValueNode() ? node.asText() : node.toString())
              : String.valueOf(value);
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The step id a text that is exactly one step-output reference names. */
  static Optional<String[]> stepReference(String text) {
    Matcher whole = REFERENCE.matcher(text.trim());
    if (!whole.matches()) {
      return Optional.empty();
    }
    Matcher step = STEP.matcher(whole.group(1));
    return step.matches()
        ? Optional.of(new String[] {step.group(1), step.group(2)})
        : Optional.empty();
  }

  private Object referred(String reference) throws StepFailure {
    Matcher param = PARAM.matcher(reference);
    if (param.matches()) {
      if (!params.containsKey(param.group(1))) {
        throw StepFailure.of("the run has no value for param '" + param.group(1) + "'");
      }
      return params.get(param.group(1));
    }
    Matcher step = STEP.matcher(reference);
    if (step.matches()) {
      JsonNode value = output(step.group(1), step.group(2)).orElse(null);
      if (value == null || value.isNull()) {
        throw StepFailure.of(
            "step '" + step.group(1) + "' produced no output '" + step.group(2) + "'");
      }
      return value.isTextual() ? value.asText() : value;
    }
    throw StepFailure.of("cannot resolve ${" + reference + "}");
  }

  /** A param's value given as text, converted to the param's type. */
  static Object typed(Param param, String text) {
    return switch (param.type()) {
      case INTEGER -> Long.parseLong(text.trim());
      case NUMBER -> Double.parseDouble(text.trim());
      case BOOLEAN -> {
        String t = text.trim();
        if (!t.equals("true") && !t.equals("false")) {
          throw new IllegalArgumentException("not true or false: '" + text + "'");
        }
        yield Boolean.parseBoolean(t);
      }
      default -> text;
    };
  }
}
