package dev.tend.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tend.server.http.Access;
import dev.tend.server.http.ApiException;
import dev.tend.server.http.ApiRoutes;
import dev.tend.server.http.Page;
import dev.tend.server.http.PageRequest;
import dev.tend.server.openapi.OpenApiDocument;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/** Routes that exercise the plumbing: paging, JSON bodies, idempotency, failures. */
final class TestModule implements ApiModule {
  static final int ITEMS = 120;
  static final String SECRET = "s3cr3t-db-password";

  final AtomicInteger created = new AtomicInteger();

  record NewItem(String name, int size) {
    NewItem {
      requireNonNull(name, "name is required");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
    }
  }

  record Item(int id, String name, int size) {}

  @Override
  public void routes(ApiRoutes routes) {
    routes.get(
        "/projects/{project}/items",
        Access.READ,
        call -> {
          PageRequest page = call.pageRequest();
          int from = page.after().map(Integer::parseInt).orElse(0);
          int to = Math.min(ITEMS, from + page.limit());
          List<Item> items =
              IntStream.range(from, to).mapToObj(i -> new Item(i, "item-" + i, i)).toList();
          call.page(
              new Page<>(items, to < ITEMS ? Optional.of(String.valueOf(to)) : Optional.empty()));
        });
    routes.post(
        "/projects/{project}/items",
        Access.WRITE,
        call -> {
          NewItem item = call.body(NewItem.class);
          int id = created.incrementAndGet();
          call.context().header("Location", call.context().path() + "/" + id);
          call.json(201, new Item(id, item.name(), item.size()));
        });
    routes.put(
        "/projects/{project}/blob",
        Access.WRITE,
        call -> call.json(200, Map.of("bytes", call.bodyBytes().length)));
    routes.delete(
        "/projects/{project}",
        Access.ADMIN,
        call -> {
          throw new ApiException.NotFound("no project '" + call.pathParam("project") + "'");
        });
    routes.get(
        "/boom",
        Access.PUBLIC,
        call -> {
          throw new IllegalStateException("connection refused with password " + SECRET);
        });
  }

  @Override
  public JsonNode openApi(ObjectMapper mapper) {
    return OpenApiDocument.load(mapper, TestModule.class, "test-module-openapi.json");
  }
}
