package dev.tend.cli.remote;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The server answered a request with an error: an RFC 9457 problem ({@code code}, {@code title},
 * {@code detail}, field {@code errors}), or for an answer that is not one, a problem made up from
 * the HTTP status.
 */
public final class ProblemException extends RemoteException {
  private static final long serialVersionUID = 1L;

  /** One field error of a problem: where ({@code body /suite}, {@code path number}) and what. */
  public record FieldError(String in, String field, String message) {
    public FieldError {
      requireNonNull(in, "in is null");
      requireNonNull(field, "field is null");
      requireNonNull(message, "message is null");
    }
  }

  private final int status;
  private final String code;
  private final String title;
  private final String detail;
  private final transient List<FieldError> errors;

  ProblemException(int status, String code, String title, String detail, List<FieldError> errors) {
    super(describe(status, title, detail, errors), null);
    this.status = status;
    this.code = requireNonNull(code, "code is null");
    this.title = requireNonNull(title, "title is null");
    this.detail = requireNonNull(detail, "detail is null");
    this.errors = List.copyOf(errors);
  }

  private static String describe(int status, String title, String detail, List<FieldError> errors) {
    StringBuilder text = new StringBuilder(title);
    if (!detail.isEmpty()) {
      text.append(": ").append(detail);
    }
    if (status == 401) {
      text.append("\n  set TEND_TOKEN (or --token) to an API token of this server");
    }
    for (FieldError error : errors) {
      if (detail.endsWith(error.message())) {
        // The detail is this error's message: say where in the body it points.
        if (error.in().equals("body") && error.field().startsWith("/")) {
          text.append(" (at ").append(error.field()).append(')');
        }
      } else {
        String where = error.field().isEmpty() ? error.in() : error.in() + " " + error.field();
        text.append("\n  ").append(where).append(": ").append(error.message());
      }
    }
    return text.toString();
  }

  public int status() {
    return status;
  }

  /** The stable problem code, such as {@code not-found}; {@code http-<status>} for non-problems. */
  public String code() {
    return code;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return detail;
  }

  public List<FieldError> errors() {
    return errors == null ? List.of() : errors;
  }

  @Override
  public int exitCode() {
    return status >= 500 ? 3 : 2;
  }
}
