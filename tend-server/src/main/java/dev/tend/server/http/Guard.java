package dev.tend.server.http;

import dev.tend.access.Action;
import dev.tend.access.Principal;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Optional;

/** Authenticates bearer tokens and applies a route's {@link Access}; see there for the rules. */
final class Guard {
  static final String CHALLENGE = "Bearer realm=\"tend\"";
  private static final String INVALID = CHALLENGE + ", error=\"invalid_token\"";

  private final ApiSettings settings;

  Guard(ApiSettings settings) {
    this.settings = settings;
  }

  /** The caller, after checking that it may use a route with {@code access}. */
  Optional<Principal> admit(Context ctx, Access access, String path) {
    Optional<Principal> principal = authenticate(ctx.header("Authorization"));
    Optional<Action> needed = access.action();
    if (needed.isEmpty()) {
      return principal;
    }
    Action action = needed.get();
    if (principal.isEmpty()) {
      if (action == Action.READ && settings.anonymousReads()) {
        return principal;
      }
      throw new ApiException.Unauthorized(
          "this route needs an API token: send 'Authorization: Bearer <token>'", CHALLENGE);
    }
    Principal who = principal.get();
    boolean allowed;
    String scope;
    if (path.contains("{project}")) {
      String project = ctx.pathParam("project");
      allowed = settings.authorizer().can(who, project, action);
      scope = "project '" + project + "'";
    } else {
      allowed = action == Action.READ || action == Action.WRITE || who.globalAdmin();
      scope = "this server";
    }
    if (!allowed) {
      throw new ApiException.Forbidden(
          "'"
              + who.name()
              + "' may not "
              + action.name().toLowerCase(Locale.ROOT)
              + " in "
              + scope);
    }
    return principal;
  }

  private Optional<Principal> authenticate(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String[] parts = header.trim().split("\\s+", 2);
    if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer") || parts[1].isBlank()) {
      throw new ApiException.Unauthorized(
          "the Authorization header must be 'Bearer <token>'", INVALID);
    }
    Optional<Principal> principal = settings.tokens().verify(parts[1].trim());
    if (principal.isEmpty()) {
      throw new ApiException.Unauthorized(
          "the API token is not valid (unknown, revoked or expired)", INVALID);
    }
    return principal;
  }
}
