package dev.tend.tracking.search;

/**
 * A search filter or order clause that cannot be parsed or names something unsearchable. The
 * message names the 1-based position of the problem in the text and what would be right there.
 */
public final class FilterSyntaxException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int position;

  public FilterSyntaxException(String what, String text, int position, String problem) {
    super(
        "Invalid "
            + what
            + " '"
            + text
            + "' at position "
            + position
            + ": "
            + problem
            + pointer(text, position));
    this.position = position;
  }

  /** The 1-based character position of the problem in the text. */
  public int position() {
    return position;
  }

  private static String pointer(String text, int position) {
    if (text.length() > 200 || text.indexOf('\n') >= 0) {
      return "";
    }
    return "\n  " + text + "\n  " + " ".repeat(Math.max(0, position - 1)) + "^";
  }
}
