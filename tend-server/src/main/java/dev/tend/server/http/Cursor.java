package dev.tend.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Opaque page cursors: a store's position (such as the last id of a page) wrapped in a versioned,
 * base64url envelope, so that clients cannot depend on its shape and old cursors can be told apart
 * when the format changes.
 */
public final class Cursor {
  private static final String VERSION = "v1:";

  private Cursor() {}

  public static String encode(String position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((VERSION + position).getBytes(StandardCharsets.UTF_8));
  }

  /** The position inside {@code cursor}, or empty when it is not a cursor this server wrote. */
  public static Optional<String> decode(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      return text.startsWith(VERSION)
          ? Optional.of(text.substring(VERSION.length()))
          : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
