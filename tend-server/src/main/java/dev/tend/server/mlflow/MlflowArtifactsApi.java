package dev.tend.server.mlflow;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.access.Action;
import dev.tend.artifacts.ArtifactNotFoundException;
import dev.tend.artifacts.ManifestEntry;
import dev.tend.projects.ProjectRepository;
import dev.tend.tracking.ArtifactFile;
import dev.tend.tracking.Experiment;
import dev.tend.tracking.RunArtifacts;
import dev.tend.tracking.RunInfo;
import dev.tend.tracking.TrackingRepository;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MLflow's artifact proxy ({@code /api/2.0/mlflow-artifacts/artifacts/...}) on Tend's
 * content-addressed artifact store, and the tracking API's {@code artifacts/list}. Tend keeps
 * artifacts per run: paths are {@code <experiment_id>/<run_id>/artifacts/<file>}, as in the {@code
 * mlflow-artifacts:/} URIs of runs, and each run's files are a manifest of paths to SHA-256s.
 * Uploads and downloads are streamed; access is checked in the run's project (read to list and
 * download, write to upload and delete). Thread-safe.
 */
public final class MlflowArtifactsApi extends MlflowModule {
  /** Where MLflow's artifact repository sends artifact requests. */
  public static final List<String> PREFIXES =
      List.of("/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts");

  private static final Pattern RUN_PATH =
      Pattern.compile("([0-9]{1,18})/([0-9a-f]{32})/artifacts(?:/(.*))?", Pattern.DOTALL);

  private final TrackingRepository tracking;
  private final RunArtifacts artifacts;

  /** A path of the proxy: a run and a path inside its artifacts (empty for the root). */
  private record Target(RunInfo run, String path) {}

  public MlflowArtifactsApi(
      ProjectRepository projects, TrackingRepository tracking, RunArtifacts artifacts) {
    super(projects);
    this.tracking = requireNonNull(tracking, "tracking is null");
    this.artifacts = requireNonNull(artifacts, "artifacts is null");
    addRaw(HandlerType.PUT, PREFIXES, "/artifacts/{path}", "Upload an artifact.", this::upload);
    addRaw(HandlerType.GET, PREFIXES, "/artifacts/{path}", "Download an artifact.", this::download);
    addRaw(HandlerType.DELETE, PREFIXES, "/artifacts/{path}", "Delete an artifact.", this::delete);
    addRaw(
        HandlerType.GET,
        PREFIXES,
        "/artifacts",
        "List the artifacts in ?path=<experiment_id>/<run_id>/artifacts[/<folder>].",
        this::list);
    add(
        HandlerType.GET,
        "/artifacts/list",
        "List a run's artifacts (run_id, path).",
        this::listOfRun);
  }

  private Target target(Caller caller, String proxyPath, Action action) {
    if (proxyPath.indexOf('\u0000') >= 0) {
      throw MlflowError.invalid("Invalid artifact path: it contains a NUL character");
    }
    Matcher matcher = RUN_PATH.matcher(proxyPath);
    if (!matcher.matches()) {
      throw MlflowError.notFound(
          "No artifacts at '"
              + proxyPath
              + "': Tend keeps artifacts per run, at <experiment_id>/<run_id>/artifacts/<path>");
    }
    if (action != Action.READ) {
      requireToken(caller);
    }
    RunInfo run =
        tracking
            .runInfo(matcher.group(2))
            .orElseThrow(
                () -> MlflowError.notFound("Run with id=" + matcher.group(2) + " not found"));
    if (run.experimentId() != Long.parseLong(matcher.group(1))) {
      throw MlflowError.notFound(
          "Run "
              + run.runId()
              + " is not in experiment "
              + matcher.group(1)
              + "; its artifacts are under "
              + run.experimentId()
              + "/"
              + run.runId()
              + "/artifacts");
    }
    Experiment experiment = tracking.experiment(run.experimentId()).orElseThrow();
    require(caller, experiment.projectId(), action);
    String path = matcher.group(3) == null ? "" : matcher.group(3);
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (!path.isEmpty()) {
      ManifestEntry.requireValidPath(path);
    }
    return new Target(run, path);
  }

  private void upload(Caller caller, Context ctx) {
    Target target = target(caller, ctx.pathParam("path"), Action.WRITE);
    if (target.path().isEmpty()) {
      throw MlflowError.invalid("Invalid artifact path: name a file under the run's artifacts");
    }
    long limit = caller.settings().maxRequestBodyBytes();
    try (InputStream body = new Limited(ctx.req().getInputStream(), limit)) {
      artifacts.put(target.run().runId(), target.path(), body);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the uploaded artifact", e);
    }
    respond(ctx, 200, MlflowJson.object());
  }

  private void download(Caller caller, Context ctx) {
    Target target = target(caller, ctx.pathParam("path"), Action.READ);
    if (target.path().isEmpty()) {
      throw MlflowError.invalid("Invalid artifact path: name a file to download");
    }
    ManifestEntry file =
        artifacts
            .file(target.run().runId(), target.path())
            .orElseThrow(
                () ->
                    MlflowError.notFound(
                        "No artifact '" + target.path() + "' in run " + target.run().runId()));
    InputStream in;
    try {
      in = artifacts.open(file);
    } catch (ArtifactNotFoundException e) {
      throw new IllegalStateException(
          "artifact " + file.path() + " names blob " + file.sha256() + ", which is missing", e);
    }
    String name = file.path().substring(file.path().lastIndexOf('/') + 1);
    ctx.status(200);
    ctx.contentType("application/octet-stream");
    ctx.header("Content-Length", Long.toString(file.size()));
    ctx.header("Content-Disposition", "attachment; filename=\"" + name.replace("\"", "") + "\"");
    ctx.result(in);
  }

  private void delete(Caller caller, Context ctx) {
    Target target = target(caller, ctx.pathParam("path"), Action.WRITE);
    if (target.path().isEmpty()) {
      throw MlflowError.invalid("Invalid artifact path: name a file or folder to delete");
    }
    artifacts.delete(target.run().runId(), target.path());
    respond(ctx, 200, MlflowJson.object());
  }

  private void list(Caller caller, Context ctx) {
    String path = Optional.ofNullable(ctx.queryParam("path")).orElse("");
    Target target = target(caller, path, Action.READ);
    ObjectNode response = MlflowJson.object();
    ArrayNode files = response.putArray("files");
    for (ArtifactFile file :
        artifacts.list(
            target.run().runId(), Optional.of(target.path()).filter(p -> !p.isEmpty()))) {
      files.add(MlflowJson.fileInfo(file.path().substring(file.path().lastIndexOf('/') + 1), file));
    }
    respond(ctx, 200, response);
  }

  private ObjectNode listOfRun(Caller caller, MlflowRequest request) {
    String runId = request.runId();
    RunInfo run =
        tracking
            .runInfo(runId)
            .orElseThrow(() -> MlflowError.notFound("Run with id=" + runId + " not found"));
    require(caller, tracking.experiment(run.experimentId()).orElseThrow().projectId(), Action.READ);
    Optional<String> folder = request.string("path").filter(p -> !p.isEmpty());
    ObjectNode response = MlflowJson.object();
    response.put("root_uri", run.artifactUri());
    ArrayNode files = response.putArray("files");
    artifacts.list(runId, folder).forEach(f -> files.add(MlflowJson.fileInfo(f.path(), f)));
    return response;
  }

  /** Fails with MLflow's 413 as soon as more than the server's body limit is read. */
  private static final class Limited extends FilterInputStream {
    private final long limit;
    private long total;

    Limited(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(long n) {
      total += n;
      if (total > limit) {
        throw new MlflowError(
            MlflowError.INVALID_PARAMETER_VALUE,
            413,
            "the artifact is larger than the server's limit of "
                + limit
                + " bytes (server.max-request-body)");
      }
    }
  }
}
