package dev.tend.datasets;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * One file of a version's content: its path relative to the version's root ({@code /}-separated, no
 * {@code .} or {@code ..} segments), its size and the SHA-256 (lower-case hex) it is stored under.
 */
public record ManifestFile(String path, long sizeBytes, String sha256) {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public ManifestFile {
    requireNonNull(path, "path is null");
    requireNonNull(sha256, "sha256 is null");
    if (path.isEmpty() || path.length() > 1024 || path.startsWith("/") || path.contains("\\")) {
      throw new IllegalArgumentException(
          "manifest path must be a relative path of 1 to 1024 characters with '/' separators, got '"
              + path
              + "'");
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "manifest path '" + path + "' has an empty, '.' or '..' segment");
      }
    }
    if (path.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("manifest path must not contain control characters");
    }
    if (sizeBytes < 0) {
      throw new IllegalArgumentException("size of '" + path + "' must be >= 0, got " + sizeBytes);
    }
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException(
          "sha256 of '" + path + "' must be 64 lower-case hex digits, got '" + sha256 + "'");
    }
  }
}
