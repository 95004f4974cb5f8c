package dev.tend.cli.ui;

import dev.tend.cli.TestServers;
import dev.tend.cli.monitor.ServedPenguins;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real Tend server shared by all the UI's browser tests, started once per test run: project
 * {@code zoo} with the penguin species model trained and deployed as {@code species-dev} ({@link
 * ServedPenguins}). Each test class adds what its pages show (in its own project or with its own
 * names, so classes stay independent). Declare a {@code UiWorld} parameter on a {@code @BeforeAll}
 * method with {@code @ExtendWith(UiWorld.Resolver.class)}.
 */
public final class UiWorld implements AutoCloseable {
  private final Path dir;
  private final ServedPenguins penguins;

  private UiWorld(Path dir, ServedPenguins penguins) {
    this.dir = dir;
    this.penguins = penguins;
  }

  static UiWorld start() throws Exception {
    Path dir = Files.createTempDirectory("tend-ui-world");
    return new UiWorld(dir, ServedPenguins.start(TestServers.start(dir)));
  }

  /** The server's base URI. */
  public URI uri() {
    return penguins.server.uri();
  }

  /** The first admin's API token (for signing in and for the API calls that set things up). */
  public String admin() {
    return penguins.admin;
  }

  /** The penguin project {@code zoo}, its served model, and an authenticated API client. */
  public ServedPenguins penguins() {
    return penguins;
  }

  /** A new headless browser, signed in as the admin. */
  public Chromium signedInBrowser() {
    Chromium browser = Chromium.launch(uri());
    try {
      return browser.signIn(admin());
    } catch (RuntimeException | AssertionError e) {
      browser.close();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    penguins.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Gives test classes the shared world; it is closed once all tests ran. */
  public static final class Resolver implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == UiWorld.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return context
          .getRoot()
          .getStore(ExtensionContext.Namespace.create(UiWorld.class))
          .computeIfAbsent(
              UiWorld.class,
              key -> {
                try {
                  return start();
                } catch (Exception e) {
                  throw new IllegalStateException("could not start the UI's test server", e);
                }
              },
              UiWorld.class);
    }
  }
}
