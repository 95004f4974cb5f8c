package dev.tend.alert;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The summary and description templates of alert rules: text with placeholders such as {@code
 * {{value}}} or {@code {{labels.team}}}, filled in per alert. Unknown placeholders are refused when
 * a rule is read, so a typo never reaches people as raw braces.
 */
public final class Templates {
  /** Every placeholder a template may use besides {@code labels.NAME}. */
  public static final List<String> PLACEHOLDERS =
      List.of(
          "value",
          "metric",
          "deployment",
          "model_version",
          "segment",
          "column",
          "for_column",
          "rule",
          "severity",
          "condition",
          "baseline",
          "window_start",
          "window_end",
          "count");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");

  private Templates() {}

  /**
   * Refuses a template with an unknown placeholder.
   *
   * @throws IllegalArgumentException naming the placeholder and the known ones
   */
  public static void check(String template, String what) {
    requireNonNull(template, "template is null");
    Matcher matcher = PLACEHOLDER.matcher(template);
    while (matcher.find()) {
      String name = matcher.group(1);
      if (!PLACEHOLDERS.contains(name) && !name.matches("labels\\.[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException(
            what
                + " uses the unknown placeholder {{"
                + name
                + "}}; known: "
                + String.join(", ", PLACEHOLDERS)
                + " and labels.NAME");
      }
    }
  }

  /**
   * {@code template} with each placeholder replaced by its value in {@code values} ({@code
   * labels.NAME} by {@code labels}); placeholders without a value become empty.
   */
  public static String render(
      String template, Map<String, String> values, Map<String, String> labels) {
    Matcher matcher = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String value =
          name.startsWith("labels.")
              ? labels.getOrDefault(name.substring("labels.".length()), "")
              : values.getOrDefault(name, "");
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
