package dev.tend.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Gauges of one name whose series come and go as a whole: {@link #replace} sets the values of a
 * group of series and removes the group's series that are gone. At most {@code maxSeries} series
 * exist at once; more are not registered and are counted in {@link #dropped()}. Thread-safe.
 */
final class GaugeFamily {
  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final List<String> tagKeys;
  private final int maxSeries;
  private final Map<List<String>, Series> series = new HashMap<>();
  private long dropped;

  private static final class Series {
    volatile double value;
    Gauge gauge;
  }

  GaugeFamily(
      MeterRegistry registry,
      String name,
      String description,
      List<String> tagKeys,
      int maxSeries) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.tagKeys = List.copyOf(tagKeys);
    this.maxSeries = maxSeries;
  }

  /**
   * Sets {@code values} (tag values in {@code tagKeys} order, to the value) and removes the other
   * series that {@code inGroup} matches.
   */
  synchronized void replace(Map<List<String>, Double> values, Predicate<List<String>> inGroup) {
    List<List<String>> gone = new ArrayList<>();
    for (List<String> key : series.keySet()) {
      if (inGroup.test(key) && !values.containsKey(key)) {
        gone.add(key);
      }
    }
    for (List<String> key : gone) {
      registry.remove(series.remove(key).gauge);
    }
    for (Map.Entry<List<String>, Double> entry : values.entrySet()) {
      Series s = series.get(entry.getKey());
      if (s == null) {
        if (series.size() >= maxSeries) {
          dropped++;
          continue;
        }
        s = new Series();
        Series holder = s;
        List<Tag> tags = new ArrayList<>();
        for (int i = 0; i < tagKeys.size(); i++) {
          tags.add(Tag.of(tagKeys.get(i), entry.getKey().get(i)));
        }
        s.gauge =
            Gauge.builder(name, holder, h -> h.value)
                .description(description)
                .tags(Tags.of(tags))
                .strongReference(true)
                .register(registry);
        series.put(List.copyOf(entry.getKey()), s);
      }
      s.value = entry.getValue();
    }
  }

  synchronized int size() {
    return series.size();
  }

  synchronized long dropped() {
    return dropped;
  }
}
