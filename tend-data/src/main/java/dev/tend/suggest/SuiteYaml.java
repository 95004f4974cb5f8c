package dev.tend.suggest;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Writes suggested checks as a suite file, each check preceded by its evidence as a comment. */
final class SuiteYaml {
  private SuiteYaml() {}

  static String write(String name, String header, List<SuggestedCheck> checks) {
    StringBuilder out = new StringBuilder();
    out.append("# yaml-language-server: $schema=https://tend.dev/schemas/suite.schema.json\n");
    out.append("# ").append(header).append('\n');
    out.append("# Review before use: bounds come from one dataset, with margins.\n");
    out.append("version: 1\n");
    out.append("name: ").append(scalar(name)).append('\n');
    out.append("checks:\n");
    for (SuggestedCheck check : checks) {
      out.append("  # ").append(check.evidence().replace('\n', ' ')).append('\n');
      out.append("  - ").append(check.kind()).append(": {");
      boolean first = true;
      for (Map.Entry<String, Object> arg : check.args().entrySet()) {
        if (!first) {
          out.append(", ");
        }
        first = false;
        out.append(arg.getKey()).append(": ").append(value(arg.getValue()));
      }
      out.append("}\n");
      if (!check.severity().equals("error")) {
        out.append("    severity: ").append(check.severity()).append('\n');
      }
    }
    return out.toString();
  }

  private static String value(Object value) {
    return switch (value) {
      case null -> "null";
      case Boolean b -> b.toString();
      case Long l -> l.toString();
      case Integer i -> i.toString();
      case Double d -> new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
      case List<?> list ->
          "[" + String.join(", ", list.stream().map(SuiteYaml::value).toList()) + "]";
      case Map<?, ?> map -> {
        StringBuilder text = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (!first) {
            text.append(", ");
          }
          first = false;
          text.append(scalar(entry.getKey().toString()))
              .append(": ")
              .append(value(entry.getValue()));
        }
        yield text.append('}').toString();
      }
      default -> scalar(value.toString());
    };
  }

  /** Text as a single-quoted YAML scalar, which keeps every character literally. */
  static String scalar(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
