package dev.tend.server.metrics;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.server.ApiModule;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.ApiSettings;
import dev.tend.server.openapi.OpenApiDocument;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics} (outside {@code /api/v1}, where Prometheus looks by default): every figure
 * of {@link TendMetrics} in Prometheus' text format. Like other read routes it needs an API token
 * ({@code Authorization: Bearer}, which Prometheus sends with {@code
 * authorization.credentials_file}) unless {@code auth.anonymous-reads} is on; any valid token may
 * read it, since the figures are the server's, not a project's.
 */
public final class MetricsApi implements ApiModule {
  public static final String PATH = "/metrics";
  private static final String CHALLENGE = "Bearer realm=\"tend\"";

  private final TendMetrics metrics;

  public MetricsApi(TendMetrics metrics) {
    this.metrics = requireNonNull(metrics, "metrics is null");
  }

  @Override
  public void routes(ApiRoutes routes) {
    ApiSettings settings = routes.settings();
    routes.mount(HandlerType.GET, PATH, ctx -> serve(ctx, settings));
  }

  private void serve(Context ctx, ApiSettings settings) {
    String header = ctx.header("Authorization");
    if (header == null) {
      if (!settings.anonymousReads()) {
        throw new ApiException.Unauthorized(
            "/metrics needs an API token: send 'Authorization: Bearer <token>'", CHALLENGE);
      }
    } else {
      String[] parts = header.trim().split("\\s+", 2);
      if (parts.length != 2
          || !parts[0].equalsIgnoreCase("Bearer")
          || parts[1].isBlank()
          || settings.tokens().verify(parts[1].trim()).isEmpty()) {
        throw new ApiException.Unauthorized(
            "the API token is not valid (unknown, revoked or expired)",
            CHALLENGE + ", error=\"invalid_token\"");
      }
    }
    ctx.contentType(TendMetrics.CONTENT_TYPE);
    ctx.result(metrics.scrape().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public JsonNode openApi(ObjectMapper mapper) {
    return OpenApiDocument.load(mapper, MetricsApi.class, "metrics-openapi.json");
  }
}
