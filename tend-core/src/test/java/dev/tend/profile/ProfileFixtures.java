package dev.tend.profile;

import dev.tend.schema.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A deterministic dataset profile with one column of every type, used to write the released format
 * files under {@code src/test/resources/profile/}. Write one for a new format version with {@code
 * java -cp <test classpath> dev.tend.profile.ProfileFixtures
 * tend-core/src/test/resources/profile/vN/all-types.tprf}; never rewrite an existing one.
 */
final class ProfileFixtures {
  /** The options the version-1 file was written with (the defaults of that release). */
  static final ProfileOptions V1_OPTIONS = new ProfileOptions(200, 12, 256, 20, 10);

  static final int ROWS = 10_000;
  static final String SOURCE = "fixture:all-types ü";
  static final long CREATED_AT = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  private ProfileFixtures() {}

  /** Row i's value in each column, or null; the same on every run. */
  static DatasetProfile allTypes() {
    ColumnProfiler integers = ColumnProfiler.create("i", DataType.INTEGER, V1_OPTIONS);
    ColumnProfiler doubles = ColumnProfiler.create("d", DataType.DOUBLE, V1_OPTIONS);
    ColumnProfiler strings = ColumnProfiler.create("s", DataType.STRING, V1_OPTIONS);
    ColumnProfiler booleans = ColumnProfiler.create("b", DataType.BOOLEAN, V1_OPTIONS);
    ColumnProfiler dates = ColumnProfiler.create("day", DataType.DATE, V1_OPTIONS);
    ColumnProfiler timestamps = ColumnProfiler.create("ts", DataType.TIMESTAMP, V1_OPTIONS);
    ColumnProfiler others = ColumnProfiler.create("o", DataType.OTHER, V1_OPTIONS);
    for (int i = 0; i < ROWS; i++) {
      integers.update(i % 10 == 0 ? null : (long) (i % 1000) - 500, 1);
      Double d =
          switch (i % 100) {
            case 1 -> Double.NaN;
            case 2 -> Double.POSITIVE_INFINITY;
            case 3 -> null;
            default -> i * 0.25;
          };
      doubles.update(d, 1);
      strings.update(i % 50 == 0 ? "" : i % 7 == 0 ? null : "item-" + (i % 30), 1);
      booleans.update(i % 9 == 0 ? null : i % 3 == 0, 1);
      dates.update(20_000L * 86_400_000_000L + (i % 365) * 86_400_000_000L, 1);
      timestamps.update(i % 11 == 0 ? null : 1_700_000_000_000_000L + i * 1_000_000L, 1);
      others.update(i % 2 == 0 ? null : List.of(i), 1);
    }
    return DatasetProfile.of(
        ROWS,
        List.of(
            integers.finish(),
            doubles.finish(),
            strings.finish(),
            booleans.finish(),
            dates.finish(),
            timestamps.finish(),
            others.finish()),
        ProfileProvenance.of(SOURCE, CREATED_AT));
  }

  public static void main(String[] args) throws IOException {
    Path target = Path.of(args[0]);
    if (Files.exists(target)) {
      throw new IllegalStateException(
          target + " exists; released format files are never rewritten");
    }
    Files.createDirectories(target.getParent());
    Files.write(target, allTypes().toBytes());
  }
}
