package dev.tend.server.http;

import static java.util.Objects.requireNonNull;

import dev.tend.access.Principal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where API routes are declared. Every route states its {@link Access}; the route is mounted under
 * {@link #PREFIX} with the guard in front and, for {@code POST}, {@code PUT} and {@code PATCH},
 * {@code Idempotency-Key} handling around it. Path parameters use OpenAPI's {@code {name}} syntax,
 * and a parameter named {@code project} scopes the access check to that project.
 */
public final class ApiRoutes {
  public static final String PREFIX = "/api/v1";
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  public static final String IDEMPOTENCY_REPLAYED = "Idempotency-Replayed";
  static final String PRINCIPAL_ATTRIBUTE = "tend.principal";

  private static final int MAX_KEY_LENGTH = 255;

  private final RoutesConfig routes;
  private final ApiSettings settings;
  private final Guard guard;

  public ApiRoutes(RoutesConfig routes, ApiSettings settings) {
    this.routes = requireNonNull(routes, "routes is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.guard = new Guard(settings);
  }

  public ApiRoutes get(String path, Access access, ApiHandler handler) {
    return add(HandlerType.GET, path, access, handler);
  }

  /** A {@code HEAD} route; its handler sets the status and headers and sends no body. */
  public ApiRoutes head(String path, Access access, ApiHandler handler) {
    return add(HandlerType.HEAD, path, access, handler);
  }

  public ApiRoutes post(String path, Access access, ApiHandler handler) {
    return add(HandlerType.POST, path, access, handler);
  }

  public ApiRoutes put(String path, Access access, ApiHandler handler) {
    return add(HandlerType.PUT, path, access, handler);
  }

  public ApiRoutes patch(String path, Access access, ApiHandler handler) {
    return add(HandlerType.PATCH, path, access, handler);
  }

  public ApiRoutes delete(String path, Access access, ApiHandler handler) {
    return add(HandlerType.DELETE, path, access, handler);
  }

  private ApiRoutes add(HandlerType method, String path, Access access, ApiHandler handler) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("route path must start with '/': " + path);
    }
    boolean idempotent =
        method == HandlerType.POST || method == HandlerType.PUT || method == HandlerType.PATCH;
    routes.addHttpHandler(
        method,
        PREFIX + path,
        ctx -> {
          Optional<Principal> principal = guard.admit(ctx, access, path);
          principal.ifPresent(p -> ctx.attribute(PRINCIPAL_ATTRIBUTE, p.id()));
          ApiCall call = new ApiCall(ctx, settings, principal);
          String key = ctx.header(IDEMPOTENCY_KEY);
          if (idempotent && key != null) {
            idempotently(call, key, handler);
          } else {
            handler.handle(call);
          }
        });
    return this;
  }

  private void idempotently(ApiCall call, String key, ApiHandler handler) throws Exception {
    Context ctx = call.context();
    if (key.isEmpty()
        || key.length() > MAX_KEY_LENGTH
        || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      throw new ApiException.ValidationFailed(
          FieldError.header(
              IDEMPOTENCY_KEY,
              "Idempotency-Key must be 1 to "
                  + MAX_KEY_LENGTH
                  + " visible ASCII characters, such as a UUID"));
    }
    IdempotencyStore.Key id =
        new IdempotencyStore.Key(
            call.principal().map(Principal::id).orElse("anonymous"),
            ctx.method().name(),
            ctx.path(),
            key);
    String hash = hash(ctx.method().name(), ctx.path(), call.bodyBytes());
    IdempotencyStore store = settings.idempotency();
    switch (store.reserve(id, hash)) {
      case IdempotencyStore.Reservation.Acquired acquired -> {
        try {
          handler.handle(call);
        } catch (Exception | Error e) {
          store.release(id);
          throw e;
        }
        store.complete(id, hash, capture(ctx));
      }
      case IdempotencyStore.Reservation.Replay replay -> {
        IdempotencyStore.StoredResponse response = replay.response();
        ctx.status(response.status());
        ctx.contentType(response.contentType());
        response.headers().forEach(ctx::header);
        ctx.header(IDEMPOTENCY_REPLAYED, "true");
        ctx.result(response.body());
      }
      case IdempotencyStore.Reservation.Mismatch mismatch ->
          throw new ApiException(
              ProblemCode.IDEMPOTENCY_KEY_REUSED,
              "this Idempotency-Key was already used for a different request; use a new key"
                  + " for a new request");
      case IdempotencyStore.Reservation.InProgress inProgress ->
          throw new ApiException(
              ProblemCode.IDEMPOTENCY_IN_PROGRESS,
              "a request with this Idempotency-Key is still being processed; retry later",
              List.of(),
              Map.of("Retry-After", "1"),
              null);
    }
  }

  private static IdempotencyStore.StoredResponse capture(Context ctx) throws IOException {
    byte[] body;
    try (InputStream result = ctx.resultInputStream()) {
      body = result == null ? new byte[0] : result.readAllBytes();
    }
    ctx.result(body);
    String type = ctx.res().getContentType();
    String location = ctx.res().getHeader("Location");
    return new IdempotencyStore.StoredResponse(
        ctx.statusCode(),
        type == null ? "application/octet-stream" : type,
        body,
        location == null ? Map.of() : Map.of("Location", location));
  }

  static String hash(String method, String path, byte[] body) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update((method + " " + path + "\n").getBytes(StandardCharsets.UTF_8));
      digest.update(body);
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
