package dev.tend.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** tend-core holds domain types and algorithms only: no files, sockets, databases or HTTP. */
class CoreIsFreeOfIoTest {
  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.tend");

  @Test
  void coreDoesNotTouchFilesNetworkDatabasesOrHttp() {
    ArchRule rule =
        noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "java.io..",
                "java.nio.file..",
                "java.nio.channels..",
                "java.net..",
                "java.net.http..",
                "java.sql..",
                "javax.sql..",
                "java.rmi..",
                "com.fasterxml.jackson..",
                "org.duckdb..",
                "org.sqlite..",
                "org.postgresql..",
                "io.javalin..",
                "org.eclipse.jetty..")
            .orShould()
            .dependOnClassesThat()
            .haveFullyQualifiedName("java.lang.ProcessBuilder")
            .because("tend-core must stay free of I/O, database and HTTP dependencies");
    rule.check(CORE);
  }
}
