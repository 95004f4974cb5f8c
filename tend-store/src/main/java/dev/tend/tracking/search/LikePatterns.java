package dev.tend.tracking.search;

/** Turns SQL LIKE patterns into what each engine needs for MLflow's case-sensitive LIKE. */
public final class LikePatterns {
  private LikePatterns() {}

  /**
   * The SQLite GLOB pattern matching what {@code like} matches case-sensitively: SQLite's LIKE
   * ignores ASCII case and GLOB does not, so LIKE's {@code %} and {@code _} become {@code *} and
   * {@code ?}, and GLOB's own wildcards are bracketed.
   */
  public static String toGlob(String like) {
    StringBuilder glob = new StringBuilder();
    for (int i = 0; i < like.length(); i++) {
      char c = like.charAt(i);
      switch (c) {
        case '%' -> glob.append('*');
        case '_' -> glob.append('?');
        case '*' -> glob.append("[*]");
        case '?' -> glob.append("[?]");
        case '[' -> glob.append("[[]");
        default -> glob.append(c);
      }
    }
    return glob.toString();
  }
}
