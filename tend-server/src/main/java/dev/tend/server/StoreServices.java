package dev.tend.server;

import static java.util.Objects.requireNonNull;

import dev.tend.access.AccessRepository;
import dev.tend.access.Authorization;
import dev.tend.access.IssuedToken;
import dev.tend.artifacts.LocalArtifactStore;
import dev.tend.datasets.DatasetRepository;
import dev.tend.idempotency.IdempotencyRepository;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.auth.Authorizer;
import dev.tend.server.config.TendConfig;
import dev.tend.store.ConflictException;
import dev.tend.store.Database;
import dev.tend.tracking.RunArtifacts;
import dev.tend.tracking.TrackingRepository;
import java.time.Duration;
import java.util.Optional;

/**
 * The server's services backed by the real store: the metadata database at {@code metadata.url} and
 * the artifact store in {@code artifacts.dir}. Owns both; close it after the server that uses it.
 * Thread-safe.
 */
public final class StoreServices implements AutoCloseable {
  /** How long a retry may replay the first response of a request sent with an idempotency key. */
  public static final Duration IDEMPOTENCY_RETENTION = Duration.ofHours(24);

  /**
   * How long a reserved dataset version may stay pending before it counts as a push that died with
   * its process; its number is then dropped at the next start.
   */
  public static final Duration PENDING_PUSH_RETENTION = Duration.ofHours(24);

  /** The project created at the first start; the CLI's {@code --project} defaults to it. */
  public static final String DEFAULT_PROJECT = "default";

  private static final String BOOTSTRAP_ACTOR = "admin";

  private final Database database;
  private final LocalArtifactStore artifacts;
  private final AccessRepository access;
  private final ProjectRepository projects;
  private final DatasetRepository datasets;
  private final TrackingRepository tracking;
  private final RunArtifacts runArtifacts;
  private final RegistryRepository registry;
  private final ServerServices services;

  private StoreServices(Database database, LocalArtifactStore artifacts) {
    this.database = database;
    this.artifacts = artifacts;
    this.access = AccessRepository.of(database);
    this.projects = ProjectRepository.of(database);
    this.datasets = DatasetRepository.of(database);
    this.tracking = TrackingRepository.of(database);
    this.runArtifacts = RunArtifacts.of(database, artifacts);
    this.registry = RegistryRepository.of(database, artifacts);
    datasets.cleanupPending(PENDING_PUSH_RETENTION);
    IdempotencyRepository keys = IdempotencyRepository.of(database);
    keys.expire(IDEMPOTENCY_RETENTION);
    this.services =
        new ServerServices(
            access::verify,
            projectAuthorizer(projects, new Authorization(access)),
            new StoreIdempotency(keys));
  }

  /**
   * Opens the metadata database (migrating it) and the artifact store named by {@code config}.
   *
   * @throws dev.tend.store.StoreException when the database cannot be opened
   */
  public static StoreServices open(TendConfig config) {
    requireNonNull(config, "config is null");
    Database database = Database.open(config.metadataUrl());
    try {
      return new StoreServices(database, LocalArtifactStore.open(config.artifactsDir()));
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  /*
   * Routes name projects by name; roles are kept by project id. A project that does not exist is
   * not allowed to anyone but global admins, so other callers get 403 whether or not it exists and
   * cannot probe for names; global admins get the route's 404.
   */
  static Authorizer projectAuthorizer(ProjectRepository projects, Authorization authorization) {
    return (principal, project, action) ->
        principal.globalAdmin()
            || projects
                .findByName(project)
                .map(p -> authorization.can(principal, p.id(), action))
                .orElse(false);
  }

  /**
   * Prepares a new server for use, as {@code tend server} does at every start: makes sure a global
   * admin exists (see {@link AccessRepository#ensureBootstrapAdmin}) and, while the server has no
   * project at all, creates the project {@value #DEFAULT_PROJECT} as that admin, so a single team
   * needs no project setup. Safe to repeat and to run on several replicas at once.
   *
   * @param adminToken the first admin's token when given at the first start ({@code
   *     TEND_ADMIN_TOKEN})
   * @return the first admin's token when this call created it
   */
  public Optional<IssuedToken> bootstrap(Optional<String> adminToken) {
    Optional<IssuedToken> issued = access.ensureBootstrapAdmin(adminToken);
    if (projects.list(Optional.empty(), 1).items().isEmpty()) {
      try {
        projects.create(
            DEFAULT_PROJECT, "Created at the first start for a single team", BOOTSTRAP_ACTOR);
      } catch (ConflictException e) {
        // Another replica created it at the same moment.
      }
    }
    return issued;
  }

  /** Tokens, roles and idempotency keys for {@link TendServer#start}. */
  public ServerServices services() {
    return services;
  }

  public Database database() {
    return database;
  }

  public LocalArtifactStore artifacts() {
    return artifacts;
  }

  public AccessRepository access() {
    return access;
  }

  public ProjectRepository projects() {
    return projects;
  }

  public DatasetRepository datasets() {
    return datasets;
  }

  public TrackingRepository tracking() {
    return tracking;
  }

  /** The files runs log through MLflow's artifact proxy. */
  public RunArtifacts runArtifacts() {
    return runArtifacts;
  }

  public RegistryRepository registry() {
    return registry;
  }

  /** Closes the metadata database's connections. */
  @Override
  public void close() {
    database.close();
  }
}
