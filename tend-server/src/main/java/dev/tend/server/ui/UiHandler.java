package dev.tend.server.ui;

/** Answers one page or form of the web UI. */
@FunctionalInterface
public interface UiHandler {
  UiResponse handle(UiCall call) throws Exception;
}
