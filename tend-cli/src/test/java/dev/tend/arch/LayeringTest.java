package dev.tend.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Module and layer rules over the whole product: checks, profiles and suggestions see engines only
 * through the {@code Engine}/{@code Dataset} interfaces, so a Spark engine can replace DuckDB
 * without touching them; only the composition root (the CLI) picks an engine.
 */
class LayeringTest {
  private static final JavaClasses TEND =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.tend");

  /*
   * Checks and profiles reach DuckDB only through the engine. The prediction log is the one other
   * user: it is storage, writing Parquet with DuckDB's appender and reading it back, which the
   * engine (read-only, for checks) does not offer.
   */
  @Test
  void onlyTheEngineImplementationAndThePredictionLogTalkToDuckDb() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.tend.engine.duckdb..", "dev.tend.serving.log..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.duckdb..")
        .check(TEND);
  }

  @Test
  void checkProfileAndSuggestionCodeUseTheEngineInterfaceOnly() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.tend.suite..", "dev.tend.profiling..", "dev.tend.suggest..", "dev.tend.report..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.tend.engine.duckdb..")
        .check(TEND);
  }

  @Test
  void theDuckDbEngineIsChosenOnlyByTheCli() {
    classes()
        .that()
        .resideInAPackage("dev.tend.engine.duckdb..")
        .and()
        .arePublic()
        .should()
        .onlyHaveDependentClassesThat()
        .resideInAnyPackage("dev.tend.engine.duckdb..", "dev.tend.cli..")
        .check(TEND);
  }

  @Test
  void noModuleReachesIntoTheCli() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.tend.cli..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.tend.cli..")
        .check(TEND);
  }

  @Test
  void internalPackagesStayInsideTheirModule() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.tend.cli..",
            "dev.tend.server..",
            "dev.tend.suite..",
            "dev.tend.engine..",
            "dev.tend.profiling..",
            "dev.tend.report..",
            "dev.tend.suggest..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.tend.store.internal..")
        .check(TEND);
  }
}
