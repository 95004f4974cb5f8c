package dev.tend.train.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tend.train.TrainException;
import dev.tend.train.preprocess.Preprocessing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/*
 * A model directory: model.ubj (XGBoost's UBJSON), preprocessing.json, manifest.json. Each file
 * is written to a temporary sibling and moved into place, manifest last, so a directory with a
 * manifest is complete. Versions newer than this code's are refused with a clear message.
 */
final class ModelFiles {
  static final String MODEL = "model.ubj";
  static final String PREPROCESSING = "preprocessing.json";
  static final String MANIFEST = "manifest.json";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ModelFiles() {}

  static void save(Path directory, byte[] model, Preprocessing preprocessing, Manifest manifest) {
    try {
      Files.createDirectories(directory);
      write(directory.resolve(MODEL), model);
      write(directory.resolve(PREPROCESSING), JSON.writeValueAsBytes(preprocessing));
      write(directory.resolve(MANIFEST), JSON.writeValueAsBytes(manifest));
    } catch (IOException e) {
      throw new TrainException("cannot save the model to " + directory + ": " + e.getMessage(), e);
    }
  }

  static void write(Path target, byte[] bytes) throws IOException {
    Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
    Files.write(temporary, bytes);
    Files.move(
        temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static Model load(Path directory) {
    try {
      Manifest manifest = JSON.readValue(read(directory, MANIFEST), Manifest.class);
      if (manifest.formatVersion() > Manifest.FORMAT_VERSION) {
        throw new TrainException(
            directory.resolve(MANIFEST)
                + " has format version "
                + manifest.formatVersion()
                + "; this Tend reads up to "
                + Manifest.FORMAT_VERSION
                + ": upgrade Tend");
      }
      Preprocessing preprocessing =
          JSON.readValue(read(directory, PREPROCESSING), Preprocessing.class);
      if (preprocessing.formatVersion() > Preprocessing.FORMAT_VERSION) {
        throw new TrainException(
            directory.resolve(PREPROCESSING)
                + " has format version "
                + preprocessing.formatVersion()
                + "; this Tend reads up to "
                + Preprocessing.FORMAT_VERSION
                + ": upgrade Tend");
      }
      return XgboostModel.of(read(directory, MODEL), preprocessing, manifest);
    } catch (IOException | IllegalArgumentException e) {
      throw new TrainException("cannot load the model in " + directory + ": " + e.getMessage(), e);
    }
  }

  private static byte[] read(Path directory, String name) throws IOException {
    try {
      return Files.readAllBytes(directory.resolve(name));
    } catch (NoSuchFileException e) {
      throw new TrainException(
          directory
              + " is not a model directory: it has no "
              + name
              + " (expected "
              + MODEL
              + ", "
              + PREPROCESSING
              + " and "
              + MANIFEST
              + ")",
          e);
    }
  }
}
