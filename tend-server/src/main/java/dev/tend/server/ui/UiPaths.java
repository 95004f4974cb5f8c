package dev.tend.server.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Builds the UI's links, percent-encoding every name that goes into a path or query. */
public final class UiPaths {
  private UiPaths() {}

  /** {@code /projects/{project}}. */
  public static String project(String project) {
    return "/projects/" + segment(project);
  }

  /** {@code /projects/{project}/{area}/{name}...}, each name encoded as one path segment. */
  public static String project(String project, String area, String... names) {
    StringBuilder path = new StringBuilder(project(project)).append('/').append(area);
    for (String name : names) {
      path.append('/').append(segment(name));
    }
    return path.toString();
  }

  /** {@code value} encoded as one path segment (a slash becomes {@code %2F}). */
  public static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code value} encoded for a query string. */
  public static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Whether {@code location} is a path on this server, safe to redirect to after sign-in. */
  public static boolean isLocal(String location) {
    return location.startsWith("/")
        && !location.startsWith("//")
        && !location.startsWith("/\\")
        && location.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
  }
}
