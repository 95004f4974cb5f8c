package dev.tend.server.ui;

/** One area of the web UI (datasets, runs, ...): the pages it adds. */
@FunctionalInterface
public interface UiArea {
  void routes(UiRoutes routes);
}
