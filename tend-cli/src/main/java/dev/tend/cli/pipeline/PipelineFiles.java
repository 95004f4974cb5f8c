package dev.tend.cli.pipeline;

import dev.tend.cli.Main;
import dev.tend.pipeline.Pipeline;
import dev.tend.pipeline.PipelineException;
import dev.tend.pipeline.PipelineParser;
import dev.tend.pipeline.Step;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A local pipeline file made ready to send: its text, parsed here first so mistakes point at the
 * line before anything is sent; the files it names (a validate step's suite, a command step's
 * arguments and inputs that are files next to it, and any given with {@code --file}), by their path
 * relative to the pipeline's folder; and the code version, the git commit of the folder with {@code
 * (dirty)} when the work tree has changes.
 */
record PipelineFiles(
    Path file, Pipeline pipeline, String yaml, Map<String, String> files, Optional<String> code) {

  static PipelineFiles read(Path file, List<String> extra) {
    if (!Files.isRegularFile(file)) {
      throw new Main.UsageException("no pipeline file at " + file);
    }
    String yaml = text(file);
    Pipeline pipeline;
    try {
      pipeline = PipelineParser.parse(yaml, file.toString());
    } catch (PipelineException e) {
      throw new Main.UsageException(e.describe());
    }
    Path dir = file.toAbsolutePath().normalize().getParent();
    Map<String, String> files = new TreeMap<>();
    List<String> named = new ArrayList<>(extra);
    for (Step step : pipeline.steps()) {
      switch (step.body()) {
        case Step.Validate v -> v.suite().ifPresent(named::add);
        case Step.Command c -> {
          for (String arg : c.argv()) {
            if (isLocalFile(dir, arg)) {
              named.add(arg);
            }
          }
          for (String input : c.inputs()) {
            if (isLocalFile(dir, input)) {
              named.add(input);
            }
          }
        }
        default -> {}
      }
    }
    for (String name : named) {
      Path path = dir.resolve(name).normalize();
      if (!path.startsWith(dir)) {
        throw new Main.UsageException(
            "'"
                + name
                + "' is outside the pipeline's folder "
                + dir
                + "; only files in it go along");
      }
      if (!Files.isRegularFile(path)) {
        throw new Main.UsageException(
            "the pipeline names '" + name + "', which is not a file in " + dir);
      }
      files.put(dir.relativize(path).toString().replace('\\', '/'), text(path));
    }
    return new PipelineFiles(file, pipeline, yaml, files, codeVersion(dir));
  }

  private static boolean isLocalFile(Path dir, String text) {
    if (text.isEmpty() || text.startsWith("/") || text.startsWith("-") || text.contains("${")) {
      return false;
    }
    try {
      Path path = dir.resolve(text).normalize();
      return path.startsWith(dir) && Files.isRegularFile(path);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String text(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new Main.UsageException(
          file + " is not UTF-8 text; only text files go with a pipeline");
    } catch (IOException e) {
      throw new Main.UsageException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /* The folder's git commit, with " (dirty)" when its work tree has changes; empty outside git. */
  static Optional<String> codeVersion(Path dir) {
    Optional<String> commit = git(dir, "rev-parse", "HEAD");
    if (commit.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> status = git(dir, "status", "--porcelain", "--", ".");
    return Optional.of(commit.get() + (status.map(String::isBlank).orElse(true) ? "" : " (dirty)"));
  }

  private static Optional<String> git(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.empty();
      }
      return process.exitValue() == 0 ? Optional.of(out.strip()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
