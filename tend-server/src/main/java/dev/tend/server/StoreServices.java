package dev.tend.server;

import static dev.tend.projects.ProjectRepository.DEFAULT_PROJECT;
import static java.util.Objects.requireNonNull;

import dev.tend.access.AccessRepository;
import dev.tend.access.Authorization;
import dev.tend.access.IssuedToken;
import dev.tend.artifacts.LocalArtifactStore;
import dev.tend.datasets.DatasetRepository;
import dev.tend.deployments.DeploymentRepository;
import dev.tend.idempotency.IdempotencyRepository;
import dev.tend.pipelines.PipelineRepository;
import dev.tend.projects.ProjectRepository;
import dev.tend.registry.RegistryRepository;
import dev.tend.server.auth.Authorizer;
import dev.tend.server.config.TendConfig;
import dev.tend.server.internal.PushFolder;
import dev.tend.store.ConflictException;
import dev.tend.store.Database;
import dev.tend.tracking.RunArtifacts;
import dev.tend.tracking.TrackingRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's services backed by the real store: the metadata database at {@code metadata.url} and
 * the artifact store in {@code artifacts.dir}. Owns both, and the data dir, which it locks so that
 * one server at a time uses it; close it after the server that uses it. Thread-safe.
 *
 * <p>Opening it cleans up after a process that died on the same data dir: the work folders of its
 * pushes (their pending versions are abandoned at once), the temporary files of its interrupted
 * uploads, and versions left pending for longer than {@link #PENDING_PUSH_RETENTION}.
 */
public final class StoreServices implements AutoCloseable {
  /** How long a retry may replay the first response of a request sent with an idempotency key. */
  public static final Duration IDEMPOTENCY_RETENTION = Duration.ofHours(24);

  /**
   * How long a reserved dataset version may stay pending before it counts as a push that died with
   * its process; its number is then dropped at the next start.
   */
  public static final Duration PENDING_PUSH_RETENTION = Duration.ofHours(24);

  /**
   * How old a temporary upload file must be to be removed at start when the artifact store is
   * outside the data dir, where other servers may be uploading to it; inside, all are removed.
   */
  public static final Duration SHARED_UPLOAD_RETENTION = Duration.ofHours(24);

  private static final String BOOTSTRAP_ACTOR = "admin";
  private static final Logger LOG = LoggerFactory.getLogger(StoreServices.class);

  private final DataDirLock lock;
  private final Path workDir;
  private final Database database;
  private final LocalArtifactStore artifacts;
  private final AccessRepository access;
  private final ProjectRepository projects;
  private final DatasetRepository datasets;
  private final TrackingRepository tracking;
  private final RunArtifacts runArtifacts;
  private final RegistryRepository registry;
  private final PipelineRepository pipelines;
  private final DeploymentRepository deployments;
  private final ServerServices services;

  private StoreServices(
      DataDirLock lock, TendConfig config, Database database, LocalArtifactStore artifacts) {
    this.lock = lock;
    this.workDir = config.dataDir().resolve("work");
    this.database = database;
    this.artifacts = artifacts;
    this.access = AccessRepository.of(database);
    this.projects = ProjectRepository.of(database);
    this.datasets = DatasetRepository.of(database);
    this.tracking = TrackingRepository.of(database);
    this.runArtifacts = RunArtifacts.of(database, artifacts);
    this.registry = RegistryRepository.of(database, artifacts);
    this.pipelines = PipelineRepository.of(database);
    this.deployments = DeploymentRepository.of(database);
    cleanUpAfterDeadProcesses(config);
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
    return open(config, Clock.systemUTC());
  }

  /**
   * As {@link #open(TendConfig)}, stamping rows with the time of {@code clock} (tests move it to
   * give events known times).
   */
  public static StoreServices open(TendConfig config, Clock clock) {
    requireNonNull(config, "config is null");
    requireNonNull(clock, "clock is null");
    DataDirLock lock = DataDirLock.acquire(config.dataDir());
    try {
      Database database = Database.open(config.metadataUrl(), clock);
      try {
        return new StoreServices(
            lock, config, database, LocalArtifactStore.open(config.artifactsDir()));
      } catch (RuntimeException e) {
        database.close();
        throw e;
      }
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /*
   * The data dir lock makes this process the only user of the data dir, so every push folder in it
   * belongs to a dead push. Its pending version can go at once even when the metadata database is
   * shared by several servers (PostgreSQL): the folder names it, and a live server's pushes have
   * their folders in its own data dir, named before they reserve. A version pending without a
   * folder here belongs to another server and waits out the retention.
   * The artifact store is shared only when it lies outside the data dir.
   */
  private void cleanUpAfterDeadProcesses(TendConfig config) {
    PushFolder.Recovered pushes = PushFolder.recoverAll(workDir, datasets);
    boolean ownsArtifacts =
        config
            .artifactsDir()
            .toAbsolutePath()
            .normalize()
            .startsWith(config.dataDir().toAbsolutePath().normalize());
    int uploads =
        artifacts.cleanupTemporary(ownsArtifacts ? Duration.ZERO : SHARED_UPLOAD_RETENTION);
    int expired = datasets.cleanupPending(PENDING_PUSH_RETENTION);
    if (pushes.folders() + uploads + expired > 0) {
      LOG.info(
          "cleaned up after a process that died: {} push folders ({} pending versions abandoned),"
              + " {} temporary upload files, {} versions pending for more than {}",
          pushes.folders(),
          pushes.abandoned(),
          uploads,
          expired,
          PENDING_PUSH_RETENTION);
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

  /** Where pushes materialize their files while they are checked: {@code <data.dir>/work}. */
  public Path workDir() {
    return workDir;
  }

  /**
   * Prepares a new server for use, as {@code tend server} does at every start: makes sure a global
   * admin exists (see {@link AccessRepository#ensureBootstrapAdmin}) and, while the server has no
   * project at all, creates the project {@value ProjectRepository#DEFAULT_PROJECT} as that admin,
   * so a single team needs no project setup. Safe to repeat and to run on several replicas at once.
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

  public PipelineRepository pipelines() {
    return pipelines;
  }

  public DeploymentRepository deployments() {
    return deployments;
  }

  /** Closes the metadata database's connections and releases the data dir. */
  @Override
  public void close() {
    try {
      database.close();
    } finally {
      lock.close();
    }
  }
}
