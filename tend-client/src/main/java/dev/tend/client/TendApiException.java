package dev.tend.client;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The server refused a call with a problem answer ({@code application/problem+json}): a 4xx for bad
 * input, or a 5xx that retries did not get past. {@link #code()} is the stable problem code such as
 * {@code validation-failed}; {@link #errors()} names the fields at fault.
 */
public final class TendApiException extends TendClientException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String title;
  private final String detail;
  private final transient List<FieldProblem> errors;

  TendApiException(
      int status, String code, String title, String detail, List<FieldProblem> errors) {
    super(
        "HTTP "
            + status
            + (code.isEmpty() ? "" : " " + code)
            + (detail.isEmpty() ? "" : ": " + detail));
    this.status = status;
    this.code = requireNonNull(code, "code is null");
    this.title = requireNonNull(title, "title is null");
    this.detail = requireNonNull(detail, "detail is null");
    this.errors = List.copyOf(errors);
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** The problem's stable code, such as {@code not-found}; empty when the answer had none. */
  public String code() {
    return code;
  }

  /** The problem's short title; empty when the answer had none. */
  public String title() {
    return title;
  }

  /** What was wrong with this call; empty when the answer had no detail. */
  public String detail() {
    return detail;
  }

  /** The fields at fault, in the order the server named them. */
  public List<FieldProblem> errors() {
    return errors == null ? List.of() : errors;
  }

  /**
   * One field at fault.
   *
   * @param in where the field is: {@code body}, {@code path}, {@code query} or {@code header}
   * @param field a JSON pointer into the body, or the parameter's name
   * @param message what is wrong with it
   */
  public record FieldProblem(String in, String field, String message) {
    public FieldProblem {
      requireNonNull(in, "in is null");
      requireNonNull(field, "field is null");
      requireNonNull(message, "message is null");
    }
  }
}
