package dev.tend.server.ui;

import static java.util.Objects.requireNonNull;

import java.io.InputStream;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a UI handler answers: a rendered page, a redirect after a form (Post/Redirect/Get), or a
 * file to download.
 */
public sealed interface UiResponse {
  /**
   * The template {@code template} (such as {@code "datasets/list.jte"}) rendered with the
   * parameters {@code chrome} and {@code model}.
   */
  record Page(String template, Chrome chrome, Object model) implements UiResponse {
    public Page {
      requireNonNull(template, "template is null");
      requireNonNull(chrome, "chrome is null");
      requireNonNull(model, "model is null");
    }
  }

  /** A 303 to {@code location} (a path on this server), with a message for the next page. */
  record Redirect(String location, Optional<String> flash) implements UiResponse {
    public Redirect {
      requireNonNull(location, "location is null");
      requireNonNull(flash, "flash is null");
      if (!UiPaths.isLocal(location)) {
        throw new IllegalArgumentException("redirects stay on this server: " + location);
      }
    }
  }

  /**
   * The bytes {@code content} opens, {@code size} long, sent as an attachment named {@code
   * fileName}: never shown inline, so a logged HTML or SVG file cannot run in the UI's origin.
   */
  record Download(String fileName, long size, Supplier<InputStream> content) implements UiResponse {
    public Download {
      requireNonNull(fileName, "fileName is null");
      requireNonNull(content, "content is null");
      if (size < 0) {
        throw new IllegalArgumentException("size must not be negative: " + size);
      }
    }
  }

  static Page page(String template, Chrome chrome, Object model) {
    return new Page(template, chrome, model);
  }

  static Redirect redirect(String location) {
    return new Redirect(location, Optional.empty());
  }

  static Redirect redirect(String location, String flash) {
    return new Redirect(location, Optional.of(flash));
  }
}
