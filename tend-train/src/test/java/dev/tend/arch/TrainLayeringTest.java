package dev.tend.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * tend-train stays a library: no HTTP, no metadata store, no CLI; and models and preprocessing do
 * not reach back into the trainer, so serving can load a model without training code.
 */
class TrainLayeringTest {
  private static final JavaClasses TRAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.tend.train");

  @Test
  void trainerDependsOnNoServerStoreOrCli() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.javalin..", "org.eclipse.jetty..", "java.sql..", "org.jdbi..", "picocli..")
        .because("training is a library; pipelines and serving call it")
        .check(TRAIN);
  }

  @Test
  void modelsAndPreprocessingDoNotDependOnTheTrainer() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.tend.train.model..", "dev.tend.train.preprocess..")
        .should()
        .dependOnClassesThat()
        .haveNameMatching(
            "dev\\.tend\\.train\\.(Trainer|TrainOptions|Split|Label|HyperParameters|TrainingResult|Timings).*")
        .because("serving loads models without the trainer")
        .check(TRAIN);
  }
}
