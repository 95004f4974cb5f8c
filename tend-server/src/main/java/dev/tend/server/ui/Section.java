package dev.tend.server.ui;

/** The sections of a project in the UI's navigation, in menu order. */
public enum Section {
  OVERVIEW("Overview", ""),
  DATASETS("Datasets", "/datasets"),
  RUNS("Runs", "/runs"),
  MODELS("Models", "/models"),
  DEPLOYMENTS("Deployments", "/deployments"),
  MONITORING("Monitoring", "/monitoring"),
  ALERTS("Alerts", "/alerts"),
  AUTOMATION("Automation", "/automation"),
  OPERATIONS("Operations", "/operations");

  private final String label;
  private final String suffix;

  Section(String label, String suffix) {
    this.label = label;
    this.suffix = suffix;
  }

  public String label() {
    return label;
  }

  /** The section's page in {@code project}: {@code /projects/{project}/datasets} and so on. */
  public String path(String project) {
    return UiPaths.project(project) + suffix;
  }
}
