package dev.tend.profile;

import java.util.List;
import java.util.Optional;

/**
 * The profiles of all columns of a dataset (or of one partition or time window of it), with the row
 * count and provenance. Immutable, thread-safe and mergeable; serializes to a versioned binary
 * format with {@link #toBytes()}.
 */
public sealed interface DatasetProfile permits DefaultDatasetProfile {
  /** The binary format version {@link #toBytes()} writes. */
  int FORMAT_VERSION = 1;

  /**
   * A dataset profile.
   *
   * @throws IllegalArgumentException if column names repeat or a column's rows differ from {@code
   *     rowCount}
   */
  static DatasetProfile of(
      long rowCount, List<ColumnProfile> columns, ProfileProvenance provenance) {
    return new DefaultDatasetProfile(rowCount, columns, provenance);
  }

  /**
   * Reads bytes written by {@link #toBytes()} of this or an earlier format version.
   *
   * @throws ProfileFormatException if the bytes are not a profile, are corrupted, or come from a
   *     newer format version
   */
  static DatasetProfile fromBytes(byte[] bytes) {
    return ProfileCodec.decode(bytes);
  }

  long rowCount();

  /** Column profiles in dataset order. */
  List<ColumnProfile> columns();

  ProfileProvenance provenance();

  Optional<ColumnProfile> column(String name);

  /**
   * The profile of both datasets together: row counts add, columns merge pairwise, provenance keeps
   * the source (joined with {@code " + "} if they differ) and the later creation time.
   *
   * @throws IllegalArgumentException if the column names, order or types differ
   */
  DatasetProfile merge(DatasetProfile other);

  /** The same profile with other provenance. */
  DatasetProfile withProvenance(ProfileProvenance provenance);

  /** Serializes in format version {@link #FORMAT_VERSION}. */
  byte[] toBytes();
}
