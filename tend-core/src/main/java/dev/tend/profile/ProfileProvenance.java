package dev.tend.profile;

import static java.util.Objects.requireNonNull;

/**
 * Where a dataset profile came from.
 *
 * @param source what was profiled, for example {@code duckdb:read_parquet('s3://b/day=1/*')}
 * @param createdAtEpochMillis when it was profiled (for a merge, the later of the two)
 * @param formatVersion the profile format version it was written or read with
 */
public record ProfileProvenance(String source, long createdAtEpochMillis, int formatVersion) {
  public ProfileProvenance {
    requireNonNull(source, "source is null");
    if (formatVersion < 1) {
      throw new IllegalArgumentException("formatVersion must be >= 1: " + formatVersion);
    }
  }

  /** Provenance for a profile made now by this version of Tend. */
  public static ProfileProvenance of(String source, long createdAtEpochMillis) {
    return new ProfileProvenance(source, createdAtEpochMillis, DatasetProfile.FORMAT_VERSION);
  }

  ProfileProvenance mergedWith(ProfileProvenance other) {
    String merged = source.equals(other.source) ? source : source + " + " + other.source;
    return new ProfileProvenance(
        merged,
        Math.max(createdAtEpochMillis, other.createdAtEpochMillis),
        DatasetProfile.FORMAT_VERSION);
  }
}
