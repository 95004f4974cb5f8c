package dev.tend.server.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;

/**
 * An RFC 9457 problem details object, as sent with {@code application/problem+json}: the standard
 * members plus Tend's stable {@code code}, field-level {@code errors} and, for internal errors, the
 * {@code incident_id} under which the server logged the cause.
 */
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    String code,
    Optional<String> incidentId,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<FieldError> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";

  public Problem {
    requireNonNull(type, "type is null");
    requireNonNull(title, "title is null");
    requireNonNull(detail, "detail is null");
    requireNonNull(instance, "instance is null");
    requireNonNull(code, "code is null");
    requireNonNull(incidentId, "incidentId is null");
    errors = List.copyOf(errors);
  }

  public static Problem of(ProblemCode code, String detail, String instance) {
    return new Problem(
        code.type(),
        code.title(),
        code.status(),
        detail,
        instance,
        code.code(),
        Optional.empty(),
        List.of());
  }
}
