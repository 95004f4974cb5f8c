package dev.tend.artifacts;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * One file of a multi-file version: its path inside the version, its size and the SHA-256 of its
 * bytes (the name of its blob).
 *
 * <p>Paths are relative, use {@code /} between segments and are already normalized, so they can be
 * joined to any output folder without escaping it: no leading {@code /}, no empty, {@code .} or
 * {@code ..} segment, no backslash, no control character, no Windows drive prefix, no segment
 * longer than 255 UTF-8 bytes.
 */
public record ManifestEntry(String path, long size, String sha256) {
  /** The longest segment most file systems accept, in UTF-8 bytes. */
  private static final int MAX_SEGMENT_BYTES = 255;

  /** A generous bound on a whole path, in characters. */
  private static final int MAX_PATH_CHARS = 4096;

  public ManifestEntry {
    requireValidPath(path);
    if (size < 0) {
      throw new IllegalArgumentException("size of " + path + " must be >= 0, was " + size);
    }
    Blob.requireValidSha256(sha256);
  }

  /**
   * Returns {@code path} if it is a valid manifest path (see the class comment), else throws {@link
   * IllegalArgumentException} saying what is wrong with it.
   */
  public static String requireValidPath(String path) {
    requireNonNull(path, "path is null");
    if (path.isEmpty()) {
      throw invalid(path, "it is empty");
    }
    if (path.length() > MAX_PATH_CHARS) {
      throw invalid(path, "it is longer than " + MAX_PATH_CHARS + " characters");
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (Character.isISOControl(c)) {
        throw invalid(path, String.format("it contains the control character U+%04X", (int) c));
      }
      if (c == '\\') {
        throw invalid(path, "it contains a backslash; separate segments with '/'");
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < path.length()
          && Character.isLowSurrogate(path.charAt(i + 1))) {
        i++; // a supplementary character, such as an emoji
      } else if (Character.isSurrogate(c)) {
        throw invalid(path, "it contains an unpaired UTF-16 surrogate at index " + i);
      }
    }
    if (path.startsWith("/")) {
      throw invalid(path, "it is absolute; paths are relative to the version's root");
    }
    if (path.length() >= 2 && path.charAt(1) == ':' && isAsciiLetter(path.charAt(0))) {
      throw invalid(path, "it starts with a Windows drive");
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty()) {
        throw invalid(path, "it has an empty segment (a trailing '/' or '//')");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw invalid(path, "it has a '" + segment + "' segment; paths must be normalized");
      }
      if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
        throw invalid(path, "a segment is longer than " + MAX_SEGMENT_BYTES + " bytes in UTF-8");
      }
    }
    return path;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static IllegalArgumentException invalid(String path, String reason) {
    StringBuilder shown = new StringBuilder();
    String head = path.length() > 120 ? path.substring(0, 120) + "..." : path;
    for (int i = 0; i < head.length(); i++) {
      char c = head.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c)) {
        shown.append(String.format("\\u%04x", (int) c));
      } else {
        shown.append(c);
      }
    }
    return new IllegalArgumentException(
        "invalid path \""
            + shown
            + "\": "
            + reason
            + " (expected a relative path like \"data/part-0.parquet\")");
  }
}
