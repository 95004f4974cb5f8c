package dev.tend.server.config;

/**
 * The server configuration is wrong: an unknown key, a bad value or an unreadable file. The message
 * names where the value came from (file and line, environment variable or option).
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
