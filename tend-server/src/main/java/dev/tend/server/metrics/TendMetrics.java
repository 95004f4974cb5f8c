package dev.tend.server.metrics;

import dev.tend.server.TendServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The server's metrics registry and its parts: {@link #monitor()} for the monitoring runner's
 * figures, {@link #serving()} for the serving path, {@link #alerts()} for firing alerts, plus JVM
 * and process figures and {@code tend_build_info{version}}. {@link #scrape()} renders them all in
 * Prometheus' text format. Thread-safe; close it when the server stops.
 */
public final class TendMetrics implements AutoCloseable {
  /** The content type of {@link #scrape()}: Prometheus' text format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final MonitorGauges monitor;
  private final ServingMetrics serving;
  private final AlertGauges alerts;

  public TendMetrics() {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    this.gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    Gauge.builder("tend.build.info", () -> 1)
        .description("The running Tend version")
        .tag("version", TendServer.version())
        .register(registry);
    this.monitor = new MonitorGauges(registry);
    this.serving = new ServingMetrics(registry);
    this.alerts = new AlertGauges(registry);
  }

  /** The latest monitoring figures; the monitor runner's listener calls its {@code update}. */
  public MonitorGauges monitor() {
    return monitor;
  }

  /** Hears served requests; chain it with the server's other traffic observers. */
  public ServingMetrics serving() {
    return serving;
  }

  /** Firing alerts; the alerting service calls its {@code update}. */
  public AlertGauges alerts() {
    return alerts;
  }

  /** Every figure in Prometheus' text format ({@link #CONTENT_TYPE}). */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
