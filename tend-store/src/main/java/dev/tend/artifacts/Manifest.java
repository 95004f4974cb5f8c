package dev.tend.artifacts;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The files of a multi-file version (a dataset split into parts, a model with its vocabulary),
 * sorted by path. Its {@linkplain #canonicalText canonical text} is one byte sequence per set of
 * entries, so its {@linkplain #sha256 SHA-256} identifies the version's content: the same files
 * give the same id wherever and whenever they are stored.
 *
 * <p>Canonical text, UTF-8, every line ending in {@code \n}:
 *
 * <pre>
 * tend-manifest 1
 * &lt;sha256&gt; &lt;size&gt; &lt;path&gt;
 * ...
 * </pre>
 *
 * with entries sorted by path in Unicode code point order (the byte order of UTF-8, so other
 * languages sort alike). Paths are validated by {@link ManifestEntry}; no path may appear twice,
 * nor be both a file and the folder of another file.
 */
public record Manifest(List<ManifestEntry> entries) {
  /** The first line of the canonical text; its number changes with the format. */
  public static final String HEADER = "tend-manifest 1";

  /** Orders paths as their UTF-8 bytes would: by code point, not by UTF-16 unit. */
  static final Comparator<String> CODE_POINT_ORDER =
      (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
          int ca = a.codePointAt(i);
          int cb = b.codePointAt(j);
          if (ca != cb) {
            return Integer.compare(ca, cb);
          }
          i += Character.charCount(ca);
          j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
      };

  /** Sorts the entries by path; throws {@link IllegalArgumentException} on conflicting paths. */
  public Manifest {
    requireNonNull(entries, "entries is null");
    List<ManifestEntry> sorted = new ArrayList<>(entries);
    sorted.forEach(entry -> requireNonNull(entry, "entries contains null"));
    sorted.sort(Comparator.comparing(ManifestEntry::path, CODE_POINT_ORDER));
    Set<String> files = new HashSet<>();
    Set<String> folders = new HashSet<>();
    for (ManifestEntry entry : sorted) {
      String path = entry.path();
      if (!files.add(path)) {
        throw new IllegalArgumentException("path \"" + path + "\" appears twice in the manifest");
      }
      for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
        folders.add(path.substring(0, slash));
      }
    }
    for (String file : files) {
      if (folders.contains(file)) {
        throw new IllegalArgumentException(
            "path \"" + file + "\" is both a file and the folder of other files in the manifest");
      }
    }
    entries = List.copyOf(sorted);
  }

  /**
   * Parses a canonical text, as produced by {@link #canonicalText}; any other form, even one
   * listing the same files, is rejected, so that one version has one id.
   *
   * @throws IllegalArgumentException naming the line that is wrong
   */
  public static Manifest parse(String text) {
    requireNonNull(text, "text is null");
    if (!text.endsWith("\n")) {
      throw new IllegalArgumentException("manifest text must end with a newline");
    }
    String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
    if (!lines[0].equals(HEADER)) {
      throw new IllegalArgumentException(
          "manifest line 1: expected \"" + HEADER + "\", found \"" + shorten(lines[0]) + "\"");
    }
    List<ManifestEntry> entries = new ArrayList<>(lines.length - 1);
    for (int i = 1; i < lines.length; i++) {
      entries.add(parseLine(lines[i], i + 1));
    }
    Manifest manifest = new Manifest(entries);
    if (!manifest.entries().equals(entries)) {
      throw new IllegalArgumentException("manifest entries must be sorted by path");
    }
    return manifest;
  }

  private static ManifestEntry parseLine(String line, int number) {
    int first = line.indexOf(' ');
    int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
    if (second < 0) {
      throw new IllegalArgumentException(
          "manifest line "
              + number
              + ": expected \"<sha256> <size> <path>\", found \""
              + shorten(line)
              + "\"");
    }
    String size = line.substring(first + 1, second);
    if (size.isEmpty()
        || !size.chars().allMatch(c -> c >= '0' && c <= '9')
        || (size.length() > 1 && size.charAt(0) == '0')) {
      throw new IllegalArgumentException(
          "manifest line " + number + ": size \"" + shorten(size) + "\" is not a decimal number");
    }
    try {
      return new ManifestEntry(
          line.substring(second + 1), Long.parseLong(size), line.substring(0, first));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "manifest line " + number + ": size " + size + " is too large", e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("manifest line " + number + ": " + e.getMessage(), e);
    }
  }

  private static String shorten(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }

  /** The canonical text (see the class comment). */
  public String canonicalText() {
    StringBuilder text = new StringBuilder(HEADER).append('\n');
    for (ManifestEntry entry : entries) {
      text.append(entry.sha256())
          .append(' ')
          .append(entry.size())
          .append(' ')
          .append(entry.path())
          .append('\n');
    }
    return text.toString();
  }

  /** The SHA-256 of the canonical text in UTF-8: the version's content id. */
  public String sha256() {
    return HexFormat.of()
        .formatHex(
            LocalArtifactStore.sha256Digest()
                .digest(canonicalText().getBytes(StandardCharsets.UTF_8)));
  }

  /** The sum of the files' sizes. */
  public long totalSize() {
    return entries.stream().mapToLong(ManifestEntry::size).sum();
  }
}
