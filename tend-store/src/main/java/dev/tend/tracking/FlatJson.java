package dev.tend.tracking;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the flat string-to-string JSON objects that {@code store.internal.Json} writes. */
final class FlatJson {
  private final String text;
  private int at;

  private FlatJson(String text) {
    this.text = text;
  }

  static Map<String, String> parse(String text) {
    return new FlatJson(text).object();
  }

  private Map<String, String> object() {
    Map<String, String> out = new LinkedHashMap<>();
    expect('{');
    skipSpace();
    if (peek() == '}') {
      at++;
      return out;
    }
    while (true) {
      String key = string();
      expect(':');
      skipSpace();
      String value = string();
      out.put(key, value);
      skipSpace();
      char c = text.charAt(at++);
      if (c == '}') {
        return out;
      }
      if (c != ',') {
        throw new IllegalStateException("malformed stored JSON at " + at + ": " + text);
      }
    }
  }

  private String string() {
    skipSpace();
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = text.charAt(at++);
      if (c == '"') {
        return out.toString();
      }
      if (c == '\\') {
        char e = text.charAt(at++);
        switch (e) {
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
            at += 4;
          }
          default -> out.append(e);
        }
      } else {
        out.append(c);
      }
    }
  }

  private void expect(char c) {
    skipSpace();
    if (at >= text.length() || text.charAt(at) != c) {
      throw new IllegalStateException("malformed stored JSON at " + at + ": " + text);
    }
    at++;
  }

  private char peek() {
    return text.charAt(at);
  }

  private void skipSpace() {
    while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
      at++;
    }
  }
}
