package dev.tend.server.http;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong with one input, listed in a problem's {@code errors}.
 *
 * @param in where the input is: {@code body}, {@code query}, {@code path} or {@code header}
 * @param field the query parameter, path parameter or header name, or a JSON Pointer into the body
 *     ({@code /owner/name}; {@code ""} for the whole body)
 * @param message what is wrong and what would be right
 */
public record FieldError(String in, String field, String message) {
  public FieldError {
    requireNonNull(in, "in is null");
    requireNonNull(field, "field is null");
    requireNonNull(message, "message is null");
  }

  public static FieldError query(String name, String message) {
    return new FieldError("query", name, message);
  }

  public static FieldError path(String name, String message) {
    return new FieldError("path", name, message);
  }

  public static FieldError body(String pointer, String message) {
    return new FieldError("body", pointer, message);
  }

  public static FieldError header(String name, String message) {
    return new FieldError("header", name, message);
  }

  /** The same input with another message. */
  public FieldError withMessage(String newMessage) {
    return new FieldError(in, field, newMessage);
  }
}
