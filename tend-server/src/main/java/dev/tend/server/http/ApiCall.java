package dev.tend.server.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.tend.access.Action;
import dev.tend.access.Principal;
import io.javalin.http.Context;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One API request as a handler sees it: the caller, bounded and typed access to the body, paging
 * parameters, and JSON responses in the API's conventions. Not thread-safe; it lives for one
 * request.
 */
public final class ApiCall {
  public static final String JSON = "application/json";

  private final Context ctx;
  private final ApiSettings settings;
  private final Optional<Principal> principal;
  private byte[] body;

  ApiCall(Context ctx, ApiSettings settings, Optional<Principal> principal) {
    this.ctx = requireNonNull(ctx, "ctx is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.principal = requireNonNull(principal, "principal is null");
  }

  /** The underlying Javalin context, for what this class does not cover. */
  public Context context() {
    return ctx;
  }

  /** The authenticated caller; empty for anonymous reads and public routes without a token. */
  public Optional<Principal> principal() {
    return principal;
  }

  /**
   * Whether the caller may perform {@code action} in the project named {@code project}, by the same
   * rules as routes scoped to a project: for routes outside any project that list things from
   * several projects. Anonymous callers may only read, and only when anonymous reads are on.
   */
  public boolean may(String project, Action action) {
    requireNonNull(project, "project is null");
    requireNonNull(action, "action is null");
    if (principal.isEmpty()) {
      return action == Action.READ && settings.anonymousReads();
    }
    return settings.authorizer().can(principal.get(), project, action);
  }

  public String pathParam(String name) {
    return ctx.pathParam(name);
  }

  public Optional<String> queryParam(String name) {
    return Optional.ofNullable(ctx.queryParam(name));
  }

  /** The raw body, read once and at most {@code server.max-request-body} bytes long. */
  public byte[] bodyBytes() {
    if (body == null) {
      try {
        body = Bodies.read(ctx.req().getInputStream(), settings.maxRequestBodyBytes());
      } catch (IOException e) {
        throw new ApiException(
            ProblemCode.MALFORMED_REQUEST,
            "the request body could not be read",
            List.of(),
            Map.of(),
            e);
      }
    }
    return body.clone();
  }

  /**
   * The body as a stream, for bodies too large to hold in memory: it fails with a {@code
   * payload-too-large} problem as soon as more than {@code server.max-request-body} bytes are read.
   * Use it instead of, not after, {@link #bodyBytes()}; when the body was already read (an {@code
   * Idempotency-Key} request), it streams those bytes.
   */
  public InputStream bodyStream() {
    if (body != null) {
      return new ByteArrayInputStream(body);
    }
    try {
      return new Bodies.Bounded(ctx.req().getInputStream(), settings.maxRequestBodyBytes());
    } catch (IOException e) {
      throw new ApiException(
          ProblemCode.MALFORMED_REQUEST,
          "the request body could not be read",
          List.of(),
          Map.of(),
          e);
    }
  }

  /**
   * The raw body of a request sent as {@code application/json} (415 otherwise), for handlers that
   * parse it themselves, such as the serving protocols' codecs.
   */
  public byte[] jsonBodyBytes() {
    requireJsonContentType();
    return bodyBytes();
  }

  /**
   * The body as JSON of {@code type}. It must be sent as {@code application/json} (415 otherwise);
   * malformed JSON is a 400 problem naming the line and column, and JSON that does not fit {@code
   * type} a 422 problem naming the member.
   */
  public <T> T body(Class<T> type) {
    requireJsonContentType();
    byte[] bytes = bodyBytes();
    if (bytes.length == 0) {
      throw new ApiException(
          ProblemCode.MALFORMED_REQUEST, "the request body is empty; expected a JSON document");
    }
    try {
      return settings.mapper().readValue(bytes, type);
    } catch (StreamReadException e) {
      throw new ApiException(
          ProblemCode.MALFORMED_REQUEST,
          "malformed JSON" + where(e.getLocation()) + ": " + e.getOriginalMessage(),
          List.of(),
          Map.of(),
          e);
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof StreamReadException broken) {
        throw new ApiException(
            ProblemCode.MALFORMED_REQUEST,
            "malformed JSON" + where(broken.getLocation()) + ": " + broken.getOriginalMessage(),
            List.of(),
            Map.of(),
            e);
      }
      FieldError error = FieldError.body(pointer(e), fieldMessage(e));
      throw new ApiException(
          ProblemCode.VALIDATION_FAILED,
          "the request body does not fit: " + error.message(),
          List.of(error),
          Map.of(),
          e);
    } catch (IOException e) {
      throw new ApiException(
          ProblemCode.MALFORMED_REQUEST,
          "the request body could not be read",
          List.of(),
          Map.of(),
          e);
    }
  }

  /** The page asked for with {@code ?limit=} (1 to 500, default 50) and {@code ?cursor=}. */
  public PageRequest pageRequest() {
    return PageRequest.of(queryParam("limit"), queryParam("cursor"));
  }

  /** Answers with {@code value} as JSON. */
  public void json(int status, Object value) {
    byte[] bytes;
    try {
      bytes = settings.mapper().writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the response as JSON", e);
    }
    ctx.status(status);
    ctx.contentType(JSON);
    ctx.result(bytes);
  }

  /**
   * Answers 200 with a page: {@code {"items": [...], "next_cursor": "..."}} and, when more follow,
   * a {@code Link: <...>; rel="next"} header that repeats this request's query with the next
   * cursor.
   */
  public <T> void page(Page<T> page) {
    Optional<String> next = page.nextAfter().map(Cursor::encode);
    next.ifPresent(cursor -> ctx.header("Link", "<" + nextUrl(cursor) + ">; rel=\"next\""));
    json(200, new Page.Body<>(page.items(), next));
  }

  private String nextUrl(String cursor) {
    StringBuilder query = new StringBuilder();
    for (Map.Entry<String, List<String>> param : ctx.queryParamMap().entrySet()) {
      if (param.getKey().equals("cursor")) {
        continue;
      }
      for (String value : param.getValue()) {
        query.append(query.isEmpty() ? "" : "&").append(encode(param.getKey()));
        query.append('=').append(encode(value));
      }
    }
    query.append(query.isEmpty() ? "" : "&").append("cursor=").append(encode(cursor));
    return ctx.path() + "?" + query;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private void requireJsonContentType() {
    String type = ctx.contentType();
    String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals(JSON)
        && !(mediaType.startsWith("application/") && mediaType.endsWith("+json"))) {
      throw new ApiException(
          ProblemCode.UNSUPPORTED_MEDIA_TYPE,
          "the request body must be sent as application/json, found "
              + (type == null ? "no Content-Type" : "'" + type + "'"),
          List.of(),
          Map.of("Accept-Post", JSON),
          null);
    }
  }

  private static String where(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static String pointer(JsonMappingException e) {
    return e.getPath().stream()
        .map(
            ref ->
                ref.getFieldName() != null
                    ? ref.getFieldName().replace("~", "~0").replace("/", "~1")
                    : String.valueOf(ref.getIndex()))
        .collect(Collectors.joining("/", e.getPath().isEmpty() ? "" : "/", ""));
  }

  private static String fieldMessage(JsonMappingException e) {
    String at = where(e.getLocation());
    return switch (e) {
      case UnrecognizedPropertyException u ->
          "unknown member '"
              + u.getPropertyName()
              + "'"
              + at
              + "; known members: "
              + u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
      case InvalidFormatException f ->
          "'" + f.getValue() + "' is not a valid " + simpleName(f.getTargetType()) + at;
      case ValueInstantiationException v ->
          (v.getCause() != null && v.getCause().getMessage() != null
                  ? v.getCause().getMessage()
                  : "invalid value")
              + at;
      default -> firstLine(e.getOriginalMessage()) + at;
    };
  }

  private static String simpleName(Class<?> type) {
    return type == null ? "value" : type.getSimpleName().toLowerCase(Locale.ROOT);
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "invalid value";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
