package dev.tend.cli.quality;

import dev.tend.checks.Check;
import dev.tend.cli.Main;
import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.expr.Expr;
import dev.tend.expr.ExpressionException;
import dev.tend.expr.ExpressionValidator;
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
 * Profiles the reference datasets of distribution checks, once per reference, column and filter (a
 * check's {@code where} applies to both sides). A relative reference path is taken relative to the
 * suite file, so a suite and its reference data move together.
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
    Optional<Expr> where = check.header().where();
    String key = location + "\u0000" + column + "\u0000" + check.header().whereText().orElse("");
    return cache.computeIfAbsent(key, k -> load(location, column, where));
  }

  private Optional<ColumnProfile> load(String location, String column, Optional<Expr> where) {
    DataSource source = DataSources.parse(location, Optional.empty());
    try (Dataset reference = engine.open(source)) {
      if (!reference.schema().has(column)) {
        return Optional.empty();
      }
      if (where.isPresent()) {
        try {
          ExpressionValidator.checkPredicate(where.get(), reference.schema());
        } catch (ExpressionException e) {
          throw new Main.UsageException(
              "the reference "
                  + location
                  + " cannot take the check's where filter: "
                  + e.describe());
        }
      }
      return Profiler.profile(reference, List.of(column), where, location, ProfileOptions.DEFAULTS)
          .column(column);
    }
  }

  private String resolve(String reference) {
    Path path = Path.of(reference);
    return path.isAbsolute() ? reference : suiteFolder.resolve(reference).normalize().toString();
  }
}
