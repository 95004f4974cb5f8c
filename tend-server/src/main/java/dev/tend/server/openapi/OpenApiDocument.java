package dev.tend.server.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The server's OpenAPI 3.1 document: the hand-written core ({@code openapi.json} beside this class:
 * health, this document, problems, paging, idempotency and the bearer scheme) merged with the
 * fragments of the modules the server runs. Immutable once built.
 */
public final class OpenApiDocument {
  private static final String CORE = "openapi.json";

  private final ObjectNode document;

  private OpenApiDocument(ObjectNode document) {
    this.document = document;
  }

  /**
   * Builds the document for a server of {@code version} with the given module fragments, each an
   * object with {@code paths} and optionally {@code components}.
   *
   * @throws IllegalArgumentException when two fragments describe the same path or component
   */
  public static OpenApiDocument build(
      ObjectMapper mapper, String version, List<JsonNode> fragments) {
    ObjectNode document = (ObjectNode) load(mapper, OpenApiDocument.class, CORE);
    ((ObjectNode) document.get("info")).put("version", version);
    for (JsonNode fragment : fragments) {
      mergeInto(document, "paths", fragment.path("paths"));
      JsonNode components = fragment.path("components");
      for (Iterator<Map.Entry<String, JsonNode>> it = components.properties().iterator();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> kind = it.next();
        ObjectNode target =
            ((ObjectNode) document.get("components")).withObjectProperty(kind.getKey());
        mergeInto(target, null, kind.getValue());
      }
    }
    return new OpenApiDocument(document);
  }

  /** Reads a JSON resource next to {@code owner}, such as a module's OpenAPI fragment. */
  public static JsonNode load(ObjectMapper mapper, Class<?> owner, String resource) {
    try (InputStream in = owner.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource " + resource + " is missing beside " + owner.getName());
      }
      return mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static void mergeInto(ObjectNode parent, String field, JsonNode additions) {
    ObjectNode target = field == null ? parent : (ObjectNode) parent.get(field);
    for (Iterator<Map.Entry<String, JsonNode>> it = additions.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (target.has(entry.getKey())) {
        throw new IllegalArgumentException(
            "OpenAPI fragments both describe '" + entry.getKey() + "'");
      }
      target.set(entry.getKey(), entry.getValue().deepCopy());
    }
  }

  /** A copy of the document as a JSON tree. */
  public ObjectNode tree() {
    return document.deepCopy();
  }

  /** The document as JSON bytes. */
  public byte[] toBytes(ObjectMapper mapper) {
    try {
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the OpenAPI document", e);
    }
  }
}
