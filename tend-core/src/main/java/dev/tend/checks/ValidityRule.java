package dev.tend.checks;

import static java.util.Objects.requireNonNull;

import dev.tend.expr.Expr;
import dev.tend.schema.DataType;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** What a valid value looks like, for a {@link Check.ValidityCheck}. */
public sealed interface ValidityRule
    permits ValidityRule.Between,
        ValidityRule.InSet,
        ValidityRule.Pattern,
        ValidityRule.Conforms,
        ValidityRule.NonNegative,
        ValidityRule.Length {

  /** The check kind as written in suite files. */
  String kind();

  /** Inclusive bounds; either may be absent. Temporal bounds are DATE or TIMESTAMP literals. */
  record Between(Optional<Expr.Literal> min, Optional<Expr.Literal> max) implements ValidityRule {
    public Between {
      requireNonNull(min, "min is null");
      requireNonNull(max, "max is null");
      if (min.isEmpty() && max.isEmpty()) {
        throw new IllegalArgumentException("between needs min or max");
      }
    }

    @Override
    public String kind() {
      return "between";
    }
  }

  record InSet(List<Expr.Literal> values) implements ValidityRule {
    public InSet {
      values = List.copyOf(requireNonNull(values, "values is null"));
      if (values.isEmpty()) {
        throw new IllegalArgumentException("in_set needs at least one value");
      }
    }

    @Override
    public String kind() {
      return "in_set";
    }
  }

  /** The whole value must match the regular expression. */
  record Pattern(String regex) implements ValidityRule {
    public Pattern {
      requireNonNull(regex, "regex is null");
    }

    @Override
    public String kind() {
      return "regex";
    }
  }

  /** Text values must parse as {@code type}. */
  record Conforms(DataType type) implements ValidityRule {
    public Conforms {
      requireNonNull(type, "type is null");
    }

    @Override
    public String kind() {
      return "conforms";
    }
  }

  record NonNegative() implements ValidityRule {
    @Override
    public String kind() {
      return "non_negative";
    }
  }

  /** Text length in characters, inclusive bounds. */
  record Length(OptionalLong min, OptionalLong max) implements ValidityRule {
    public Length {
      requireNonNull(min, "min is null");
      requireNonNull(max, "max is null");
      if (min.isEmpty() && max.isEmpty()) {
        throw new IllegalArgumentException("length needs min or max");
      }
    }

    @Override
    public String kind() {
      return "length";
    }
  }
}
