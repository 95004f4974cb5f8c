package dev.tend.cli.data;

import static java.util.Objects.requireNonNull;

import dev.tend.cli.Main;
import java.util.regex.Pattern;

/**
 * A dataset version as the user names it: {@code NAME@REF}, where {@code REF} is a version number
 * or an alias ({@code latest}, {@code production}, custom); {@code NAME} alone means {@code
 * NAME@latest}.
 */
record DatasetRef(String dataset, String ref) {
  static final String LATEST = "latest";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  DatasetRef {
    requireNonNull(dataset, "dataset is null");
    requireNonNull(ref, "ref is null");
  }

  static DatasetRef parse(String text) {
    int at = text.indexOf('@');
    String dataset = at < 0 ? text : text.substring(0, at);
    String ref = at < 0 ? LATEST : text.substring(at + 1);
    if (!NAME.matcher(dataset).matches() || !NAME.matcher(ref).matches() || isZero(ref)) {
      throw new Main.UsageException(
          "bad dataset reference '"
              + text
              + "': expected NAME@REF, where REF is a version number from 1 or an alias such as"
              + " latest or production (for example trips@3 or trips@production)");
    }
    return new DatasetRef(dataset, ref);
  }

  private static boolean isZero(String ref) {
    return ref.chars().allMatch(Character::isDigit) && ref.chars().allMatch(c -> c == '0');
  }

  /** Whether the reference is a version number rather than an alias. */
  boolean isNumber() {
    return ref.chars().allMatch(Character::isDigit);
  }

  @Override
  public String toString() {
    return dataset + "@" + ref;
  }
}
