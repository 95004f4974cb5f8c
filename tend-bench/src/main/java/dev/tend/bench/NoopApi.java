package dev.tend.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.server.ApiModule;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiRoutes;
import java.nio.charset.StandardCharsets;

/**
 * A no-op endpoint on Tend's HTTP stack, {@code POST /api/v1/bench/noop}: the same routing,
 * authentication (a read token) and body handling as predict, then a fixed small JSON answer. The
 * serving benchmark's HTTP limit.
 */
final class NoopApi implements ApiModule {
  static final String PATH = "/bench/noop";
  private static final byte[] ANSWER =
      "{\"model\":\"noop\",\"version\":\"1\",\"outputs\":{\"probability\":0.5}}"
          .getBytes(StandardCharsets.UTF_8);

  @Override
  public void routes(ApiRoutes routes) {
    routes.post(
        PATH,
        Access.READ,
        call -> {
          // Read the body as predict does, so both pay for receiving it.
          call.jsonBodyBytes();
          call.context().contentType("application/json").result(ANSWER);
        });
  }

  @Override
  public JsonNode openApi(ObjectMapper mapper) {
    ObjectNode root = mapper.createObjectNode();
    ObjectNode post = root.putObject("paths").putObject(PATH).putObject("post");
    post.put("summary", "Answers a fixed JSON (benchmark baseline)");
    post.putObject("responses").putObject("200").put("description", "the fixed answer");
    root.putObject("components");
    return root;
  }
}
