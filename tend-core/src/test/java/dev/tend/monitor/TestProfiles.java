package dev.tend.monitor;

import dev.tend.profile.ColumnProfile;
import dev.tend.profile.ColumnProfiler;
import dev.tend.profile.DatasetProfile;
import dev.tend.profile.ProfileProvenance;
import dev.tend.schema.DataType;
import java.util.ArrayList;
import java.util.List;

/** Builds small dataset profiles from columns of values for the figure tests. */
final class TestProfiles {
  private final List<ColumnProfile> columns = new ArrayList<>();
  private long rows = -1;

  static TestProfiles builder() {
    return new TestProfiles();
  }

  TestProfiles column(String name, DataType type, Object... values) {
    ColumnProfiler profiler = ColumnProfiler.create(name, type);
    for (Object v : values) {
      profiler.update(v, 1);
    }
    columns.add(profiler.finish());
    rows = values.length;
    return this;
  }

  TestProfiles doubles(String name, double[] values) {
    ColumnProfiler profiler = ColumnProfiler.create(name, DataType.DOUBLE);
    for (double v : values) {
      profiler.updateDouble(v, 1);
    }
    columns.add(profiler.finish());
    rows = values.length;
    return this;
  }

  DatasetProfile build() {
    return DatasetProfile.of(rows, columns, ProfileProvenance.of("test", 0));
  }
}
