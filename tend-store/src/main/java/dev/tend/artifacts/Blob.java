package dev.tend.artifacts;

import static java.util.Objects.requireNonNull;

/**
 * A stored blob: its content's SHA-256 (64 lowercase hex characters), which is also its name, and
 * its size in bytes.
 */
public record Blob(String sha256, long size) {
  public Blob {
    requireValidSha256(sha256);
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0, was " + size);
    }
  }

  /**
   * Returns {@code sha256} if it is 64 lowercase hex characters, else throws {@link
   * IllegalArgumentException}. Every store checks names with it, so a name can never be a path.
   */
  public static String requireValidSha256(String sha256) {
    requireNonNull(sha256, "sha256 is null");
    boolean valid = sha256.length() == 64;
    for (int i = 0; valid && i < sha256.length(); i++) {
      char c = sha256.charAt(i);
      valid = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
    if (!valid) {
      throw new IllegalArgumentException(
          "not a SHA-256: expected 64 lowercase hex characters, got \""
              + abbreviate(sha256)
              + "\" ("
              + sha256.length()
              + " characters)");
    }
    return sha256;
  }

  private static String abbreviate(String s) {
    String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    StringBuilder out = new StringBuilder();
    shown
        .codePoints()
        .forEach(
            c -> {
              if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
