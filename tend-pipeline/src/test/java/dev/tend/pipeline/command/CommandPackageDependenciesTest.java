package dev.tend.pipeline.command;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The command step's contract and runner stay callable from anywhere: JDK, Jackson, slf4j only. */
class CommandPackageDependenciesTest {
  @Test
  void dependsOnlyOnTheJdkJacksonAndSlf4j() {
    JavaClasses command =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tend.pipeline.command");

    classes()
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..", "com.fasterxml.jackson..", "org.slf4j..", "dev.tend.pipeline.command..")
        .because("the server's executor calls it, and it must not pull the store or server in")
        .check(command);
  }
}
