package dev.tend.arch;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The CLI's package cut: each command family ({@code dev.tend.cli.data}, {@code .tracking}, {@code
 * .quality}, {@code .server}, {@code .demo}) uses only the shared plumbing in {@code dev.tend.cli}
 * and the HTTP client in {@code dev.tend.cli.remote}, so a family can change or go without touching
 * the others; only {@code Main} knows them all.
 */
class CliPackagesTest {
  private static final JavaClasses CLI =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.tend.cli");

  @Test
  void commandFamiliesDoNotDependOnEachOther() {
    slices()
        .matching("dev.tend.cli.(*)..")
        .namingSlices("dev.tend.cli.$1")
        .should()
        .notDependOnEachOther()
        .ignoreDependency(alwaysTrue(), resideInAPackage("dev.tend.cli.remote"))
        .check(CLI);
  }

  @Test
  void sharedPlumbingDependsOnNoCommandFamily() {
    noClasses()
        .that()
        .resideInAPackage("dev.tend.cli")
        .and()
        .haveNameNotMatching("dev\\.tend\\.cli\\.Main(\\$.*)?")
        .should()
        .dependOnClassesThat(
            resideInAPackage("dev.tend.cli.*..").and(not(resideInAPackage("dev.tend.cli.remote"))))
        .check(CLI);
  }
}
