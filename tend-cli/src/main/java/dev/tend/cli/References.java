package dev.tend.cli;

import dev.tend.checks.Check;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.profile.ColumnProfile;
import dev.tend.profile.ProfileOptions;
import dev.tend.profiling.Profiler;
import dev.tend.source.DataSource;
import dev.tend.source.DataSources;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Profiles the reference datasets of distribution checks, once per reference and column. A relative
 * reference path is taken relative to the suite file, so a suite and its reference data move
 * together.
 */
final class References {
  private final Engine engine;
  private final Path suiteFolder;
  private final Map<String, Optional<ColumnProfile>> cache = new HashMap<>();

  References(Engine engine, Path suiteFile) {
    this.engine = engine;
    Path parent = suiteFile.toAbsolutePath().getParent();
    this.suiteFolder = parent == null ? Path.of(".") : parent;
  }

  Optional<ColumnProfile> profile(Check.DistributionCheck check, String column) {
    String location = resolve(check.reference());
    return cache.computeIfAbsent(location + "\u0000" + column, key -> load(location, column));
  }

  private Optional<ColumnProfile> load(String location, String column) {
    DataSource source = DataSources.parse(location, Optional.empty());
    try (Dataset reference = engine.open(source)) {
      if (!reference.schema().has(column)) {
        return Optional.empty();
      }
      return Profiler.profile(reference, List.of(column), location, ProfileOptions.DEFAULTS)
          .column(column);
    }
  }

  private String resolve(String reference) {
    Path path = Path.of(reference);
    return path.isAbsolute() ? reference : suiteFolder.resolve(reference).normalize().toString();
  }
}
