package dev.tend.cli.data;

/** JDBC URLs as they may be shown and stored: without a password. */
final class JdbcUrls {
  private JdbcUrls() {}

  /**
   * {@code url} without {@code password=} parameters (after {@code ?}, {@code &} or {@code ;}) and
   * without the password of a {@code user:password@host} part.
   */
  static String withoutPassword(String url) {
    String text = url.replaceAll("(//[^/@?;]*?):[^/@?;]*@", "$1@");
    text = text.replaceAll("(?i)([?&;])password=[^&;]*[&;]?", "$1");
    return text.replaceAll("[?&;]+$", "");
  }
}
