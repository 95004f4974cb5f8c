package dev.tend.server.pipelines;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.datasets.DatasetVersion;
import dev.tend.pipeline.DatasetRef;
import java.util.List;

/**
 * The dataset versions a step reads as one union: the version its reference resolved to and, for a
 * rolling window ({@code versions: N}), the accepted versions before it, oldest first. {@code
 * skipped} are the versions inside the window that were not accepted.
 */
record DatasetWindow(DatasetRef ref, List<DatasetVersion> versions, List<DatasetVersion> skipped) {
  DatasetWindow {
    requireNonNull(ref, "ref is null");
    versions = List.copyOf(versions);
    skipped = List.copyOf(skipped);
    if (versions.isEmpty()) {
      throw new IllegalArgumentException("a window reads at least one version");
    }
  }

  /** The version the reference resolved to, the newest read. */
  DatasetVersion newest() {
    return versions.getLast();
  }

  /** The rows of all versions read. */
  long rows() {
    return versions.stream().mapToLong(DatasetVersion::rowCount).sum();
  }

  /** {@code flights@3}, or {@code flights@1, flights@3} for a window of several. */
  String label() {
    return String.join(", ", labels());
  }

  /** Each version read, as {@code flights@3}, oldest first. */
  List<String> labels() {
    return versions.stream().map(v -> DatasetResolver.label(ref, v)).toList();
  }

  /**
   * Records the window under {@code node}: {@code dataset} (the newest version read), and for a
   * window of more than one version requested, {@code dataset_versions}, {@code versions_requested}
   * and {@code skipped_versions}.
   */
  void describe(ObjectNode node) {
    node.put("dataset", DatasetResolver.label(ref, newest()));
    if (ref.versions() > 1) {
      var read = node.putArray("dataset_versions");
      labels().forEach(read::add);
      node.put("versions_requested", ref.versions());
      var skippedNode = node.putArray("skipped_versions");
      for (DatasetVersion version : skipped) {
        skippedNode
            .addObject()
            .put("version", DatasetResolver.label(ref, version))
            .put("status", version.status().label());
      }
    }
  }
}
