package dev.tend.server.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.store.ConflictException;
import dev.tend.store.NotFoundException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become RFC 9457 problem responses. {@link ApiException}s carry their
 * code; Javalin's own 404, 405 and 413 are translated; the store's {@link NotFoundException} is a
 * 404, its {@link ConflictException} a 409 (with a generic detail when it comes from a SQL
 * constraint, whose message names tables), and an {@link IllegalArgumentException} a 422 with its
 * message, since handlers pass client input to the store, which rejects bad input with it. Anything
 * else is an internal error: logged with its stack trace under a new incident id, and answered with
 * only that id, never the exception's class or message.
 */
public final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private final ObjectMapper mapper;
  private final long maxRequestBodyBytes;
  private final BiFunction<String, String, List<String>> allowedMethods;

  /**
   * @param allowedMethods the methods with a route for a path, given the request's method and path
   */
  public Problems(
      ObjectMapper mapper,
      long maxRequestBodyBytes,
      BiFunction<String, String, List<String>> allowedMethods) {
    this.mapper = requireNonNull(mapper, "mapper is null");
    this.maxRequestBodyBytes = maxRequestBodyBytes;
    this.allowedMethods = requireNonNull(allowedMethods, "allowedMethods is null");
  }

  /** Answers {@code ctx} with the problem for {@code failure}. */
  public void respond(Exception failure, Context ctx) {
    String instance = ctx.path();
    Map<String, String> headers = Map.of();
    Problem problem;
    switch (failure) {
      case ApiException api -> {
        problem = problem(api.code(), api.getMessage(), instance, api.errors());
        headers = api.headers();
      }
      case HttpResponseException http -> {
        switch (http.getStatus()) {
          case 404 ->
              problem =
                  Problem.of(
                      ProblemCode.NOT_FOUND,
                      "no route " + ctx.method().name() + " " + instance,
                      instance);
          case 405 -> {
            List<String> allowed = allowedMethods.apply(ctx.method().name(), ctx.path());
            problem =
                Problem.of(
                    ProblemCode.METHOD_NOT_ALLOWED,
                    ctx.method().name()
                        + " is not allowed on "
                        + instance
                        + "; allowed: "
                        + String.join(", ", allowed),
                    instance);
            headers = Map.of("Allow", String.join(", ", allowed));
          }
          case 413 -> {
            ApiException tooLarge = Bodies.tooLarge(maxRequestBodyBytes);
            problem = Problem.of(tooLarge.code(), tooLarge.getMessage(), instance);
          }
          case 415 ->
              problem =
                  Problem.of(
                      ProblemCode.UNSUPPORTED_MEDIA_TYPE,
                      "unsupported Content-Type; send application/json",
                      instance);
          default -> {
            Optional<ProblemCode> code =
                Arrays.stream(ProblemCode.values())
                    .filter(c -> c.status() == http.getStatus())
                    .findFirst();
            problem =
                code.isPresent() && http.getStatus() < 500
                    ? Problem.of(code.get(), code.get().title(), instance)
                    : internal(failure, ctx);
          }
        }
      }
      case NotFoundException notFound ->
          problem = problem(ProblemCode.NOT_FOUND, notFound.getMessage(), instance, List.of());
      case ConflictException conflict ->
          problem =
              problem(
                  ProblemCode.CONFLICT,
                  conflict.getCause() == null
                      ? conflict.getMessage()
                      : "the request clashes with data already stored (a name or key taken, or"
                          + " a concurrent change); check the names and retry",
                  instance,
                  List.of());
      case IllegalArgumentException invalid ->
          problem =
              problem(ProblemCode.VALIDATION_FAILED, invalid.getMessage(), instance, List.of());
      default -> problem = internal(failure, ctx);
    }
    write(ctx, problem, headers);
  }

  private static Problem problem(
      ProblemCode code, String detail, String instance, List<FieldError> errors) {
    return new Problem(
        code.type(),
        code.title(),
        code.status(),
        detail,
        instance,
        code.code(),
        Optional.empty(),
        errors);
  }

  private static Problem internal(Exception failure, Context ctx) {
    String incident = UUID.randomUUID().toString();
    LOG.error("incident {}: {} {} failed", incident, ctx.method().name(), ctx.path(), failure);
    ProblemCode code = ProblemCode.INTERNAL;
    return new Problem(
        code.type(),
        code.title(),
        code.status(),
        "the server failed to handle this request; report incident " + incident,
        ctx.path(),
        code.code(),
        Optional.of(incident),
        List.of());
  }

  private void write(Context ctx, Problem problem, Map<String, String> headers) {
    byte[] body;
    try {
      body = mapper.writeValueAsBytes(problem);
    } catch (JsonProcessingException e) {
      LOG.error("cannot write problem {}", problem.code(), e);
      body =
          ("{\"type\":\""
                  + ProblemCode.INTERNAL.type()
                  + "\",\"status\":500,\"code\":\"internal\"}")
              .getBytes(StandardCharsets.UTF_8);
    }
    ctx.status(problem.status());
    headers.forEach(ctx::header);
    ctx.contentType(Problem.MEDIA_TYPE);
    ctx.result(body);
  }
}
