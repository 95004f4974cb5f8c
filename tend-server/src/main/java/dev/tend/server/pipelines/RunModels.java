package dev.tend.server.pipelines;

import dev.tend.artifacts.ManifestEntry;
import dev.tend.tracking.RunArtifacts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Copies a folder a step recorded in a run's artifacts ({@code runs:/<run>/<folder>}) to disk. */
final class RunModels {
  private static final Pattern SOURCE = Pattern.compile("runs:/([^/]+)/(.+)");

  private RunModels() {}

  /** The run id and folder of {@code runs:/<run>/<folder>}. */
  static String[] parse(String source) throws StepFailure {
    Matcher m = SOURCE.matcher(source);
    if (!m.matches()) {
      throw StepFailure.of("'" + source + "' is not a recorded model (runs:/<run>/<folder>)");
    }
    return new String[] {m.group(1), m.group(2)};
  }

  /** Writes the files under {@code source} into {@code dir}; fails when there are none. */
  static Path download(RunArtifacts artifacts, String source, Path dir)
      throws StepFailure, IOException {
    String[] parts = parse(source);
    String prefix = parts[1] + "/";
    List<ManifestEntry> files =
        artifacts.files(parts[0]).stream().filter(f -> f.path().startsWith(prefix)).toList();
    if (files.isEmpty()) {
      throw StepFailure.of("run " + parts[0] + " recorded no files under " + prefix);
    }
    Files.createDirectories(dir);
    for (ManifestEntry file : files) {
      Path target = dir.resolve(file.path().substring(prefix.length())).normalize();
      if (!target.startsWith(dir)) {
        throw StepFailure.of("the recorded file " + file.path() + " leaves its folder");
      }
      Files.createDirectories(target.getParent());
      try (InputStream in = artifacts.open(file)) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return dir;
  }
}
