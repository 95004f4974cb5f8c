package dev.tend.registry;

import dev.tend.tracking.TrackingRules;
import java.util.regex.Pattern;

/** MLflow 2.17's rules for registry names, aliases and tags, plus Tend's ban on '/' in names. */
final class RegistryRules {
  static final int MAX_NAME_LENGTH = 256;
  static final int MAX_ALIAS_LENGTH = 255;
  static final int MAX_TAG_VALUE_LENGTH = 5000;

  private static final Pattern VERSION_LIKE = Pattern.compile("[vV]\\d+");

  private RegistryRules() {}

  /* A name with '/' would read as project/name in the MLflow API, where names may be qualified. */
  static String requireModelName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("Registered model name cannot be empty.");
    }
    TrackingRules.requireLength("Registered model name", name, MAX_NAME_LENGTH);
    if (name.indexOf('/') >= 0) {
      throw new IllegalArgumentException(
          "Invalid registered model name '"
              + name
              + "': it cannot contain '/' (in Tend's MLflow API, 'project/name' names a model of"
              + " a project)");
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "Invalid registered model name: it cannot contain control characters");
    }
    return name;
  }

  static String requireAlias(String alias) {
    if (alias == null || alias.isEmpty()) {
      throw new IllegalArgumentException("Registered model alias name cannot be empty.");
    }
    TrackingRules.requireLength("Registered model alias name", alias, MAX_ALIAS_LENGTH);
    if (alias.equalsIgnoreCase("latest")) {
      throw new IllegalArgumentException(
          "'" + alias + "' is a reserved alias name; choose another, such as 'champion'");
    }
    if (VERSION_LIKE.matcher(alias).matches()) {
      throw new IllegalArgumentException(
          "Version alias name '"
              + alias
              + "' is reserved: aliases cannot look like a version number (v<number>)");
    }
    return alias;
  }

  static void requireTag(String key, String value) {
    TrackingRules.requireValidKey("tag", key);
    if (value == null) {
      throw new IllegalArgumentException("Tag value cannot be None.");
    }
    TrackingRules.requireLength("Tag value", value, MAX_TAG_VALUE_LENGTH);
  }
}
