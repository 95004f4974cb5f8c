package dev.tend.server.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answers to requests that never reach a route, such as a path with {@code %00} or a
 * request line Jetty cannot parse, written as problem responses like every other error instead of
 * Jetty's HTML page. Thread-safe.
 */
public final class JettyErrors extends ErrorHandler {
  private final ObjectMapper mapper;

  public JettyErrors(ObjectMapper mapper) {
    this.mapper = requireNonNull(mapper, "mapper is null");
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    byte[] body = body(code, message, Request.getPathInContext(request));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  private byte[] body(int status, String message, String instance) {
    ProblemCode code =
        Arrays.stream(ProblemCode.values())
            .filter(c -> c.status() == status)
            .findFirst()
            .orElse(status >= 500 ? ProblemCode.INTERNAL : ProblemCode.MALFORMED_REQUEST);
    String detail =
        code == ProblemCode.MALFORMED_REQUEST
            ? "the HTTP request is malformed"
                + (message == null || message.isBlank() ? "" : " (" + message + ")")
                + "; percent-encoded control characters and invalid encodings are refused"
            : message == null || message.isBlank() ? code.title() : message;
    Problem problem =
        new Problem(
            code.type(),
            code.title(),
            status,
            detail,
            instance == null ? "" : instance,
            code.code(),
            java.util.Optional.empty(),
            java.util.List.of());
    try {
      return mapper.writeValueAsBytes(problem);
    } catch (JsonProcessingException e) {
      return ("{\"status\":" + status + ",\"code\":\"" + code.code() + "\"}")
          .getBytes(StandardCharsets.UTF_8);
    }
  }
}
