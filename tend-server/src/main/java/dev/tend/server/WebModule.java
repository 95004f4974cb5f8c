package dev.tend.server;

import dev.tend.server.http.ApiSettings;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * A part of the server that answers browsers rather than API clients: its routes live outside
 * {@code /api/v1}, are not in the OpenAPI document, and authenticate in their own way (the web UI
 * signs in with a token into a session cookie). The server also serves the classpath folder {@link
 * #STATIC_FOLDER} at {@link #STATIC_PATH} and the webjars at {@code /webjars} once a web module is
 * present.
 */
public interface WebModule {
  /** Where static files for browsers are hosted. */
  String STATIC_PATH = "/static";

  /** The classpath folder served at {@link #STATIC_PATH}. */
  String STATIC_FOLDER = "/dev/tend/server/ui/static";

  void routes(RoutesConfig routes, ApiSettings settings);

  /**
   * Answers a request that no route matched when it is a browser's (a page, not an API call), and
   * returns true; returns false to leave it to the API's {@code not-found} problem.
   */
  default boolean answerNotFound(Context ctx) {
    return false;
  }
}
