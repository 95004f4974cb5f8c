package dev.tend.suggest;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One suggested check: its kind, its arguments in suite-file form, and the evidence it rests on.
 *
 * @param kind the check kind as written in suite files
 * @param args the arguments, in order, with plain values (numbers, text, booleans, lists)
 * @param severity error or warn
 * @param evidence what was observed in the source data
 */
public record SuggestedCheck(
    String kind, Map<String, Object> args, String severity, String evidence) {
  public SuggestedCheck {
    requireNonNull(kind, "kind is null");
    args =
        java.util.Collections.unmodifiableMap(
            new LinkedHashMap<>(requireNonNull(args, "args is null")));
    requireNonNull(severity, "severity is null");
    requireNonNull(evidence, "evidence is null");
  }
}
