package dev.tend.datasets;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * What a push found, recorded when its version is committed: the files, their total size, the
 * number of rows, the schema and check report (JSON) and the serialized {@code DatasetProfile}.
 */
public record VersionContent(
    List<ManifestFile> files,
    long totalBytes,
    long rowCount,
    String schemaJson,
    byte[] profile,
    String checkReportJson) {
  public VersionContent {
    files = List.copyOf(requireNonNull(files, "files is null"));
    requireNonNull(schemaJson, "schemaJson is null");
    profile = requireNonNull(profile, "profile is null").clone();
    requireNonNull(checkReportJson, "checkReportJson is null");
    if (totalBytes < 0 || rowCount < 0) {
      throw new IllegalArgumentException(
          "totalBytes and rowCount must be >= 0, got " + totalBytes + " and " + rowCount);
    }
  }

  /** A copy of the serialized profile. */
  @Override
  public byte[] profile() {
    return profile.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof VersionContent that
        && files.equals(that.files)
        && totalBytes == that.totalBytes
        && rowCount == that.rowCount
        && schemaJson.equals(that.schemaJson)
        && Arrays.equals(profile, that.profile)
        && checkReportJson.equals(that.checkReportJson);
  }

  @Override
  public int hashCode() {
    return 31 * List.of(files, totalBytes, rowCount, schemaJson, checkReportJson).hashCode()
        + Arrays.hashCode(profile);
  }

  @Override
  public String toString() {
    return "VersionContent[files="
        + files.size()
        + ", totalBytes="
        + totalBytes
        + ", rowCount="
        + rowCount
        + ", profile="
        + profile.length
        + " bytes]";
  }
}
