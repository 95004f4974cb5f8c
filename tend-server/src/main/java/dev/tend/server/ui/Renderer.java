package dev.tend.server.ui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.util.Map;

/**
 * Renders the UI's jte templates, precompiled at build time from {@code src/main/jte}; every
 * expression is HTML-escaped for its context (text, attribute, script). Thread-safe.
 */
final class Renderer {
  private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);

  String render(String template, Map<String, Object> parameters) {
    StringOutput output = new StringOutput(8192);
    engine.render(template, parameters, output);
    return output.toString();
  }
}
