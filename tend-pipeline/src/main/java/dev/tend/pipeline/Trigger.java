package dev.tend.pipeline;

import static java.util.Objects.requireNonNull;

/** When a pipeline should run. Declarative only: nothing schedules runs yet. */
public sealed interface Trigger {
  /** On a cron schedule; {@link Cron#next} gives the run times. */
  record Schedule(Cron cron) implements Trigger {
    public Schedule {
      requireNonNull(cron, "cron is null");
    }
  }

  /** When a new version of the named dataset is pushed. */
  record OnDatasetVersion(String dataset) implements Trigger {
    public OnDatasetVersion {
      requireNonNull(dataset, "dataset is null");
    }
  }

  /** When the named alert fires. */
  record OnAlert(String alert) implements Trigger {
    public OnAlert {
      requireNonNull(alert, "alert is null");
    }
  }
}
