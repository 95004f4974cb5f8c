package dev.tend.datasets;

import java.util.Locale;

/** Where a version is in its push: reserved and uploading, or committed as accepted or rejected. */
public enum VersionStatus {
  PENDING,
  ACCEPTED,
  REJECTED;

  /** The lower-case name kept in the database. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static VersionStatus fromLabel(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
