package dev.tend.server.pipelines;

import static java.util.Objects.requireNonNull;

import dev.tend.pipeline.StepKind;
import dev.tend.pipelines.Claim;
import dev.tend.pipelines.PipelineRepository;
import dev.tend.pipelines.PipelineRun;
import dev.tend.pipelines.PipelineRunStatus;
import dev.tend.projects.Project;
import dev.tend.projects.ProjectRepository;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes queued pipeline runs inside the server: {@code workers} threads each claim the run that
 * has waited longest from the metadata database and execute it ({@link RunExecution}), while a
 * heartbeat renews the lease of every run in hand every third of the lease and passes on
 * cancellation requests. Several servers on one database share the queue safely: a run is in one
 * process's hands at a time, and a process that dies loses its runs to the others when their leases
 * expire. Closing stops claiming, stops the steps in hand and gives their runs back to the queue to
 * be retried at once, here or elsewhere. Thread-safe.
 */
public final class PipelineRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);

  /**
   * How the runner works.
   *
   * @param workers runs executed at once by this process
   * @param lease how long a claimed run stays this process's without a heartbeat
   * @param poll how often an idle worker looks for a due run
   * @param owner this process's name in leases
   */
  public record Settings(int workers, Duration lease, Duration poll, String owner) {
    public Settings {
      if (workers < 1) {
        throw new IllegalArgumentException("pipeline workers must be at least 1");
      }
      requireNonNull(lease, "lease is null");
      requireNonNull(poll, "poll is null");
      requireNonNull(owner, "owner is null");
      if (lease.toMillis() < 300) {
        throw new IllegalArgumentException("the pipeline lease must be at least 300 ms");
      }
    }

    /** One worker, a 30 s lease, a 1 s poll, named after the host and process. */
    public static Settings defaults() {
      return new Settings(1, Duration.ofSeconds(30), Duration.ofSeconds(1), defaultOwner());
    }

    public Settings withLease(Duration lease) {
      return new Settings(workers, lease, poll, owner);
    }

    public Settings withPoll(Duration poll) {
      return new Settings(workers, lease, poll, owner);
    }

    public Settings withWorkers(int workers) {
      return new Settings(workers, lease, poll, owner);
    }

    private static String defaultOwner() {
      String host;
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "localhost";
      }
      return host
          + ":"
          + ProcessHandle.current().pid()
          + ":"
          + UUID.randomUUID().toString().substring(0, 8);
    }
  }

  private final PipelineRepository repository;
  private final ProjectRepository projects;
  private final Map<StepKind, StepAction> actions;
  private final RunRecorder recorder;
  private final Settings settings;
  private final Path workRoot;
  private final ScheduledExecutorService timers;
  private final List<Thread> workers = new ArrayList<>();
  private final Map<String, RunExecution> inHand = new ConcurrentHashMap<>();
  private volatile boolean closed;

  PipelineRunner(
      PipelineRepository repository,
      ProjectRepository projects,
      Map<StepKind, StepAction> actions,
      RunRecorder recorder,
      Settings settings,
      Path workRoot) {
    this.repository = repository;
    this.projects = projects;
    this.actions = new EnumMap<>(actions);
    this.recorder = recorder;
    this.settings = settings;
    this.workRoot = workRoot;
    for (StepKind kind : StepKind.values()) {
      if (!this.actions.containsKey(kind)) {
        throw new IllegalArgumentException("no action for " + kind.label() + " steps");
      }
    }
    this.timers =
        Executors.newScheduledThreadPool(
            1, Thread.ofPlatform().daemon().name("tend-pipeline-timer").factory());
  }

  /**
   * Starts the workers and the heartbeat, after removing the step work folders a process that died
   * on this data dir left behind (the data dir lock makes them all dead).
   */
  PipelineRunner start() {
    removeLeftoverWorkFolders();
    long beat = Math.max(100, settings.lease().toMillis() / 3);
    timers.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
    for (int i = 0; i < settings.workers(); i++) {
      Thread worker =
          Thread.ofPlatform().daemon().name("tend-pipeline-worker-" + i).start(this::work);
      workers.add(worker);
    }
    LOG.info(
        "pipeline runner {} started: {} workers, lease {}",
        settings.owner(),
        settings.workers(),
        settings.lease());
    return this;
  }

  private void removeLeftoverWorkFolders() {
    if (!Files.isDirectory(workRoot)) {
      return;
    }
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(workRoot, "pipeline-*")) {
      for (Path folder : folders) {
        RunExecution.deleteTree(folder);
        LOG.info("removed the step work folder {} left by a process that died", folder);
      }
    } catch (IOException e) {
      LOG.warn("cannot remove leftover step work folders in {}", workRoot, e);
    }
  }

  public Settings settings() {
    return settings;
  }

  private void work() {
    while (!closed) {
      Optional<Claim> claim;
      try {
        claim = repository.claimNext(settings.owner(), Instant.now(), settings.lease());
      } catch (RuntimeException e) {
        LOG.warn("cannot claim a pipeline run", e);
        claim = Optional.empty();
      }
      if (claim.isEmpty()) {
        sleep(settings.poll());
        continue;
      }
      execute(claim.get());
    }
  }

  private void execute(Claim claim) {
    PipelineRun run = claim.run();
    try {
      Optional<Project> project = projects.get(run.projectId());
      if (project.isEmpty()) {
        repository.finishRun(
            run.id(),
            settings.owner(),
            PipelineRunStatus.FAILED,
            Optional.of("the run's project no longer exists"),
            Instant.now());
        return;
      }
      RunExecution execution =
          new RunExecution(
              repository,
              actions,
              recorder,
              timers,
              settings.owner(),
              workRoot,
              claim,
              project.get());
      inHand.put(run.id(), execution);
      LOG.info("executing pipeline run {} ({})", run.id(), run.pipelineName());
      execution.execute();
    } catch (RuntimeException e) {
      LOG.error("pipeline run {} stopped on an unexpected error", run.id(), e);
      try {
        repository.finishRun(
            run.id(),
            settings.owner(),
            PipelineRunStatus.FAILED,
            Optional.of("an internal error stopped the run: " + e),
            Instant.now());
      } catch (RuntimeException again) {
        // The lease runs out and another worker takes the run up again.
        LOG.warn("cannot fail pipeline run {}", run.id(), again);
      }
    } finally {
      inHand.remove(run.id());
      Thread.interrupted();
    }
  }

  private void heartbeat() {
    for (RunExecution execution : inHand.values()) {
      try {
        Optional<PipelineRun> run =
            repository.renew(execution.runId(), settings.owner(), Instant.now(), settings.lease());
        if (run.isEmpty()) {
          execution.stop("this server lost the run's lease");
        } else if (run.get().cancelRequested()) {
          execution.stop("cancelled by a user");
        }
      } catch (RuntimeException e) {
        LOG.warn("cannot renew the lease of pipeline run {}", execution.runId(), e);
      }
    }
  }

  private void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops claiming, stops the steps in hand (their runs go back to the queue, due at once) and
   * waits up to {@code grace} for the workers to finish.
   */
  public void close(Duration grace) {
    closed = true;
    for (RunExecution execution : inHand.values()) {
      execution.stop("interrupted: the server shut down", true);
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (Thread worker : workers) {
      worker.interrupt();
      try {
        worker.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    timers.shutdownNow();
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
