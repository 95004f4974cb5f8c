package dev.tend.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Parses command-line locations into {@link DataSource}s and lists the files a source names. */
public final class DataSources {
  private static final String GLOB_CHARS = "*?[{";

  private DataSources() {}

  /**
   * Parses a file, folder or glob ({@code data/*.csv}, {@code **}{@code /*.parquet}). The format is
   * {@code format} when given, else the extension of the file or glob, else the one format of the
   * files found.
   *
   * @throws SourceNotFoundException if nothing exists at the location or a glob matches nothing
   * @throws UnsupportedSourceException if the format cannot be told
   */
  public static DataSource.Files parse(String pathOrGlob, Optional<Format> format) {
    int globAt = firstGlobChar(pathOrGlob);
    if (globAt >= 0) {
      int slash = pathOrGlob.lastIndexOf('/', globAt);
      Path root = Path.of(slash < 0 ? "." : pathOrGlob.substring(0, Math.max(slash, 1)));
      String glob = pathOrGlob.substring(slash + 1);
      if (!Files.isDirectory(root)) {
        throw new SourceNotFoundException(pathOrGlob, "folder " + root + " does not exist");
      }
      Format resolved =
          format
              .or(() -> Format.fromFileName(glob))
              .orElseGet(() -> detect(pathOrGlob, root, glob));
      DataSource.Files source =
          new DataSource.Files(root, Optional.of(glob), resolved, CsvOptions.defaults());
      files(source);
      return source;
    }
    Path path = Path.of(pathOrGlob);
    if (Files.isDirectory(path)) {
      Format resolved = format.orElseGet(() -> detect(pathOrGlob, path, null));
      DataSource.Files source = DataSource.Files.of(path, resolved);
      files(source);
      return source;
    }
    if (!Files.exists(path)) {
      throw new SourceNotFoundException(pathOrGlob, "no such file or folder");
    }
    Format resolved =
        format
            .or(() -> Format.fromFileName(path.getFileName().toString()))
            .orElseThrow(
                () ->
                    new UnsupportedSourceException(
                        pathOrGlob
                            + ": cannot tell the format from the extension; name it (csv,"
                            + " parquet, json, jsonl)"));
    DataSource.Files source = DataSource.Files.of(path, resolved);
    files(source);
    return source;
  }

  /**
   * The readable files a source names, sorted by path (the order rows are numbered in).
   *
   * @throws SourceNotFoundException if there are none, or one cannot be read
   */
  public static List<Path> files(DataSource.Files source) {
    List<Path> files;
    if (Files.isRegularFile(source.root()) && source.glob().isEmpty()) {
      files = List.of(source.root());
    } else if (Files.isDirectory(source.root())) {
      Predicate<Path> matches =
          source
              .glob()
              .map(g -> globMatcher(source.root(), g))
              .orElseGet(() -> p -> isOfFormat(p, source.format()));
      files = walk(source.describe(), source.root()).stream().filter(matches).toList();
      if (files.isEmpty()) {
        throw new SourceNotFoundException(
            source.describe(),
            source.glob().isPresent()
                ? "the pattern matches no files"
                : "the folder holds no " + source.format().label() + " files");
      }
    } else {
      throw new SourceNotFoundException(source.describe(), "no such file or folder");
    }
    for (Path file : files) {
      if (!Files.isReadable(file)) {
        throw new SourceNotFoundException(file.toString(), "the file cannot be read (permission)");
      }
    }
    // The engine reads a zero-byte file as one unnamed column, so the user would see a suite
    // error about their columns instead of the real cause.
    if (files.stream().allMatch(DataSources::isEmptyFile)) {
      throw new MalformedInputException(
          files.size() == 1 ? files.get(0).toString() : source.describe(),
          0,
          files.size() == 1 ? "the file is empty" : "all " + files.size() + " files are empty",
          null);
    }
    return files;
  }

  private static Format detect(String location, Path root, String glob) {
    Predicate<Path> matches = glob == null ? p -> true : globMatcher(root, glob);
    Set<Format> formats = new TreeSet<>();
    for (Path file : walk(location, root)) {
      if (matches.test(file)) {
        Format.fromFileName(file.getFileName().toString()).ifPresent(formats::add);
      }
    }
    if (formats.isEmpty()) {
      throw new SourceNotFoundException(location, "no csv, parquet, json or jsonl files found");
    }
    if (formats.size() > 1) {
      throw new UnsupportedSourceException(
          location
              + ": holds files of several formats "
              + formats.stream().map(Format::label).toList()
              + "; name the format to read");
    }
    return formats.iterator().next();
  }

  private static boolean isEmptyFile(Path file) {
    try {
      return Files.size(file) == 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static boolean isOfFormat(Path file, Format format) {
    return Format.fromFileName(file.getFileName().toString()).filter(format::equals).isPresent();
  }

  private static Predicate<Path> globMatcher(Path root, String glob) {
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    // "**/x" in java.nio needs at least one folder; users expect it to match top-level files too.
    PathMatcher topLevel =
        glob.startsWith("**/")
            ? FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3))
            : matcher;
    return file -> {
      Path relative = root.relativize(file);
      return matcher.matches(relative) || topLevel.matches(relative);
    };
  }

  private static List<Path> walk(String location, Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths
          .filter(Files::isRegularFile)
          .filter(p -> !isHidden(root.relativize(p)))
          .sorted()
          .toList();
    } catch (IOException | UncheckedIOException e) {
      throw new SourceNotFoundException(location, "cannot list folder " + root + ": " + e);
    }
  }

  private static boolean isHidden(Path relative) {
    for (Path part : relative) {
      String name = part.toString();
      if (name.startsWith(".") || name.startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  private static int firstGlobChar(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (GLOB_CHARS.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }
}
