package dev.tend.serving.protocol;

import static java.util.Objects.requireNonNull;

import dev.tend.schema.DataType;

/**
 * One named, typed input or output of a served model.
 *
 * @param name the column or tensor name clients use
 * @param type the value type
 * @param required whether a null (missing value) is refused; otherwise null means missing
 * @param nonFiniteAllowed for doubles, whether the strings {@code "NaN"}, {@code "Infinity"} and
 *     {@code "-Infinity"} are accepted as those values (JSON numbers cannot express them)
 */
public record Field(String name, ValueType type, boolean required, boolean nonFiniteAllowed) {
  public Field {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("field name is empty");
    }
    if (nonFiniteAllowed && type != ValueType.DOUBLE) {
      throw new IllegalArgumentException(
          "field '" + name + "': only a double can allow NaN and infinities, not " + type.label());
    }
  }

  /** An optional field (null is a missing value) that refuses NaN and infinities. */
  public static Field of(String name, ValueType type) {
    return new Field(name, type, false, false);
  }

  /**
   * The field for a column of tend-train's or the registry's signature.
   *
   * @throws IllegalArgumentException for {@link DataType#OTHER}, which serving cannot check
   */
  public static Field of(String name, DataType type) {
    return of(
        name,
        ValueType.of(type)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "field '"
                            + name
                            + "' has type "
                            + type.label()
                            + ", which serving cannot check")));
  }

  /** This field, refusing null. */
  public Field asRequired() {
    return new Field(name, type, true, nonFiniteAllowed);
  }

  /** This double field, accepting NaN and infinities written as strings. */
  public Field allowingNonFinite() {
    return new Field(name, type, required, true);
  }
}
