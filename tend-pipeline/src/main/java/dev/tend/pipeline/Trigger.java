package dev.tend.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** When a pipeline should run. */
public sealed interface Trigger {
  /** On a cron schedule; {@link Cron#next} gives the run times. */
  record Schedule(Cron cron) implements Trigger {
    public Schedule {
      requireNonNull(cron, "cron is null");
    }
  }

  /**
   * Without an alias, when a new version of the dataset is accepted ({@code flights}); with one,
   * when that alias moves to another version ({@code flights@production}).
   */
  record OnDatasetVersion(String dataset, Optional<String> alias) implements Trigger {
    public OnDatasetVersion {
      requireNonNull(dataset, "dataset is null");
      requireNonNull(alias, "alias is null");
    }
  }

  /** When the named alert fires. */
  record OnAlert(String alert) implements Trigger {
    public OnAlert {
      requireNonNull(alert, "alert is null");
    }
  }
}
