package dev.tend.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.server.http.ApiRoutes;

/**
 * A feature's part of the API: its routes and their OpenAPI description. The server's OpenAPI test
 * holds every module to describing exactly the routes it registers.
 */
public interface ApiModule {
  void routes(ApiRoutes routes);

  /**
   * An object with the {@code paths} (relative to {@code /api/v1}, or to the path's own {@code
   * servers} for routes mounted elsewhere) and {@code components}.
   */
  JsonNode openApi(ObjectMapper mapper);
}
