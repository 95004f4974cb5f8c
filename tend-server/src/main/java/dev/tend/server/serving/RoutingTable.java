package dev.tend.server.serving;

import static java.util.Objects.requireNonNull;

import dev.tend.deployments.Deployment;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.deployments.Traffic;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.ModelVersion;
import dev.tend.registry.RegistryRepository;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every deployment's {@link Route}, read from the store: all of them by {@link #refreshAll}, one by
 * {@link #reload}. Lookups read only memory. Thread-safe: a route is replaced as a whole, so a
 * request sees either the old or the new routes of a deployment, never a mix.
 */
final class RoutingTable {
  private static final Logger LOG = LoggerFactory.getLogger(RoutingTable.class);

  private final ProjectRepository projects;
  private final RegistryRepository registry;
  private final DeploymentRepository deployments;
  private final ConcurrentHashMap<String, Route> routes = new ConcurrentHashMap<>();
  /* Serializes writers, so a slow full refresh cannot put back what a reload just replaced. */
  private final Object writing = new Object();

  RoutingTable(
      ProjectRepository projects, RegistryRepository registry, DeploymentRepository deployments) {
    this.projects = requireNonNull(projects, "projects is null");
    this.registry = requireNonNull(registry, "registry is null");
    this.deployments = requireNonNull(deployments, "deployments is null");
  }

  Optional<Route> get(String deployment) {
    return Optional.ofNullable(routes.get(deployment));
  }

  /** The routes of every deployment, in no order. */
  Iterable<Route> all() {
    return routes.values();
  }

  /** Reads every deployment from the store, replacing the whole table. */
  void refreshAll() {
    synchronized (writing) {
      Map<String, Optional<Project>> byId = new HashMap<>();
      Map<String, Optional<ModelVersion>> versions = new HashMap<>();
      Set<String> seen = new HashSet<>();
      for (Deployment d : deployments.listAll()) {
        seen.add(d.name());
        put(d.name(), route(d, byId, versions));
      }
      routes.keySet().retainAll(seen);
    }
  }

  /** Reads one deployment from the store again; drops it when it no longer exists. */
  void reload(String deployment) {
    synchronized (writing) {
      put(
          deployment,
          deployments.get(deployment).flatMap(d -> route(d, new HashMap<>(), new HashMap<>())));
    }
  }

  /** Ids of every version some route may send a request to. */
  Set<String> versionIds() {
    Set<String> ids = new HashSet<>();
    for (Route route : routes.values()) {
      ids.add(route.stable().id());
      route.candidate().ifPresent(c -> ids.add(c.version().id()));
    }
    return ids;
  }

  private void put(String name, Optional<Route> route) {
    if (route.isPresent()) {
      routes.put(name, route.get());
    } else {
      routes.remove(name);
    }
  }

  private Optional<Route> route(
      Deployment d,
      Map<String, Optional<Project>> byId,
      Map<String, Optional<ModelVersion>> versions) {
    Optional<Project> project = byId.computeIfAbsent(d.projectId(), projects::get);
    Traffic traffic = d.current().traffic();
    Optional<ModelVersion> stable =
        versions.computeIfAbsent(traffic.stableVersionId(), registry::versionById);
    if (project.isEmpty() || stable.isEmpty()) {
      LOG.warn(
          "deployment '{}' points at a missing project or model version; not served", d.name());
      return Optional.empty();
    }
    Optional<Route.Split> split = Optional.empty();
    if (traffic.candidate().isPresent()) {
      var c = traffic.candidate().get();
      Optional<ModelVersion> candidate =
          versions.computeIfAbsent(c.versionId(), registry::versionById);
      if (candidate.isEmpty()) {
        LOG.warn(
            "deployment '{}' has a candidate version {} that is gone; serving its stable version",
            d.name(),
            c.versionId());
      } else {
        split = Optional.of(new Route.Split(candidate.get(), c.mode(), c.percent(), c.stickyKey()));
      }
    }
    return Optional.of(
        new Route(
            d.name(),
            d.projectId(),
            project.get().name(),
            d.environment(),
            d.current().number(),
            stable.get(),
            split));
  }
}
