package dev.tend.server.http;

/** Handles one API request; may throw {@link ApiException} to answer with a problem. */
@FunctionalInterface
public interface ApiHandler {
  void handle(ApiCall call) throws Exception;
}
