package dev.tend.tracking.search;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A parsed search filter: comparisons joined by {@code AND} and, as Tend's extension to MLflow's
 * grammar, {@code OR} and parentheses. Positions are 1-based character offsets into the filter
 * text, for error messages.
 */
public sealed interface Filter {

  /** Every part must hold. */
  record And(List<Filter> parts) implements Filter {
    public And {
      parts = List.copyOf(parts);
      if (parts.size() < 2) {
        throw new IllegalArgumentException("AND needs at least two parts");
      }
    }
  }

  /** At least one part must hold. */
  record Or(List<Filter> parts) implements Filter {
    public Or {
      parts = List.copyOf(parts);
      if (parts.size() < 2) {
        throw new IllegalArgumentException("OR needs at least two parts");
      }
    }
  }

  /** {@code key comparator value}, such as {@code metrics.acc > 0.9}. */
  record Comparison(Key key, Comparator comparator, Value value, int position) implements Filter {
    public Comparison {
      requireNonNull(key, "key is null");
      requireNonNull(comparator, "comparator is null");
      requireNonNull(value, "value is null");
    }
  }

  /** What a comparison or an order key refers to: a metric, param, tag, attribute or dataset. */
  record Key(Entity entity, String name) {
    public Key {
      requireNonNull(entity, "entity is null");
      requireNonNull(name, "name is null");
    }

    @Override
    public String toString() {
      return entity.prefix() + "." + name;
    }
  }

  /** The kinds of things a filter can name. */
  enum Entity {
    METRIC("metrics"),
    PARAM("params"),
    TAG("tags"),
    ATTRIBUTE("attributes"),
    DATASET("datasets");

    private final String prefix;

    Entity(String prefix) {
      this.prefix = prefix;
    }

    /** The usual prefix in filters, such as {@code metrics}. */
    public String prefix() {
      return prefix;
    }
  }

  /** The comparison operators of the grammar. */
  enum Comparator {
    EQ("="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    LIKE("LIKE"),
    ILIKE("ILIKE"),
    IN("IN"),
    NOT_IN("NOT IN");

    private final String symbol;

    Comparator(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }
  }

  /** The right-hand side of a comparison. */
  sealed interface Value {}

  /** A quoted string. */
  record Text(String text) implements Value {
    public Text {
      requireNonNull(text, "text is null");
    }
  }

  /** A number, kept as written and as a double. */
  record Number(String literal, double value) implements Value {
    public Number {
      requireNonNull(literal, "literal is null");
    }
  }

  /** A parenthesized list of quoted strings, for {@code IN} and {@code NOT IN}. */
  record TextList(List<String> texts) implements Value {
    public TextList {
      texts = List.copyOf(texts);
    }
  }
}
