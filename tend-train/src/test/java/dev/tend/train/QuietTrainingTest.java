package dev.tend.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tend.engine.Dataset;
import dev.tend.engine.Engine;
import dev.tend.engine.duckdb.DuckDbEngines;
import dev.tend.source.DataSources;
import dev.tend.train.model.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training prints nothing: XGBoost's native code writes its per-round lines straight to the
 * process's standard error (file descriptor 2), which no Java redirection catches, so a real child
 * JVM trains and both of its outputs are checked.
 */
class QuietTrainingTest {
  @TempDir Path temp;

  /** The child: trains the penguins classifier and prints one line. */
  public static void main(String[] args) {
    try (Engine engine = DuckDbEngines.create();
        Dataset dataset = engine.open(DataSources.parse(args[0], Optional.empty()))) {
      TrainOptions options =
          TrainOptions.of(
                  Task.MULTICLASS,
                  Label.column("Species"),
                  List.of("Beak Length (mm)", "Flipper Length (mm)", "Island"))
              .withSplit(new Split.Random(0.2, 0.2))
              .withSeed(7);
      TrainingResult result = Trainer.train(dataset, options);
      result.model().close();
      System.out.println("trained " + result.boostedRounds() + " rounds");
    }
  }

  @Test
  void trainingPrintsNothingButTheCallersOutput() throws IOException, InterruptedException {
    Path penguins = SmallTasksTest.penguins();
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(System.getProperty("java.home") + "/bin/java");
    Path out = temp.resolve("out.txt");
    Path err = temp.resolve("err.txt");
    Process child =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                QuietTrainingTest.class.getName(),
                penguins.toString())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as("exit code; stderr: %s", stderr).isZero();
    assertThat(stdout).matches("trained \\d+ rounds\\R");
    assertThat(stderr).isEmpty();
  }
}
