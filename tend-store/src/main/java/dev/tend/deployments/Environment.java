package dev.tend.deployments;

import java.util.Locale;

/** Where a deployment serves; changing a {@code PROD} deployment needs a maintainer. */
public enum Environment {
  DEV,
  STAGING,
  PROD;

  /** The name stored and shown: {@code dev}, {@code staging} or {@code prod}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The environment named {@code text} ({@code dev}, {@code staging} or {@code prod}). */
  public static Environment fromWireName(String text) {
    for (Environment environment : values()) {
      if (environment.wireName().equals(text)) {
        return environment;
      }
    }
    throw new IllegalArgumentException(
        "environment must be one of dev, staging, prod, got '" + text + "'");
  }
}
