package dev.tend.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ManifestPathPropertiesTest {
  private static final Path ROOT = Path.of("/srv/tend/out").toAbsolutePath();

  @Property(tries = 5000)
  void anyStringIsRejectedOrStaysInsideTheRoot(@ForAll("pathLike") String path) {
    String valid;
    try {
      valid = ManifestEntry.requireValidPath(path);
    } catch (IllegalArgumentException e) {
      assertThat(e).hasMessageStartingWith("invalid path \"");
      return;
    }
    Path resolved = ROOT.resolve(valid);
    assertThat(resolved.normalize()).isEqualTo(resolved);
    assertThat(resolved.startsWith(ROOT)).isTrue();
    assertThat(resolved).isNotEqualTo(ROOT);
    assertThat(ROOT.relativize(resolved).toString().replace('\\', '/')).isEqualTo(valid);
  }

  @Property(tries = 1000)
  void anyStringAtAllIsRejectedOrStaysInsideTheRoot(@ForAll String path) {
    anyStringIsRejectedOrStaysInsideTheRoot(path);
  }

  @Property(tries = 500)
  void validManifestsRoundTripThroughTheirText(@ForAll("manifests") Manifest manifest) {
    Manifest parsed = Manifest.parse(manifest.canonicalText());
    assertThat(parsed).isEqualTo(manifest);
    assertThat(parsed.sha256()).isEqualTo(manifest.sha256());
  }

  @Provide
  Arbitrary<String> pathLike() {
    Arbitrary<String> fragment =
        Arbitraries.oneOf(
            Arbitraries.of(
                "/",
                "/",
                "/",
                ".",
                "..",
                "\\",
                "a",
                "b",
                "~",
                ":",
                "C:",
                " ",
                "\u0000",
                "\n",
                "\u007f",
                "\u0085",
                "\uD83D",
                "\uDE00",
                "\uD83D\uDE00",
                "é",
                "%2e%2e",
                "//"),
            Arbitraries.strings().ofMinLength(1).ofMaxLength(4));
    return fragment.list().ofMaxSize(10).map(parts -> String.join("", parts));
  }

  @Provide
  Arbitrary<Manifest> manifests() {
    Arbitrary<String> segment =
        Arbitraries.strings().alpha().numeric().withChars(" .-_é").ofMinLength(1).ofMaxLength(6);
    Arbitrary<String> path =
        segment.list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join("/", parts));
    Arbitrary<ManifestEntry> entry =
        path.filter(p -> isValid(p))
            .flatMap(
                p ->
                    Arbitraries.longs()
                        .between(0, Long.MAX_VALUE)
                        .map(size -> new ManifestEntry(p, size, "0".repeat(63) + "a")));
    return entry
        .list()
        .ofMaxSize(8)
        .uniqueElements(ManifestEntry::path)
        .filter(ManifestPathPropertiesTest::noFileIsAFolder)
        .map(Manifest::new);
  }

  private static boolean isValid(String path) {
    try {
      ManifestEntry.requireValidPath(path);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean noFileIsAFolder(List<ManifestEntry> entries) {
    try {
      new Manifest(entries);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
