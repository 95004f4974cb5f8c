package dev.tend.cli.server;

import dev.tend.access.AccessRepository;
import dev.tend.cli.Main;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tend token new}: prints a fresh random token in Tend's format, stored nowhere. Automation
 * sets it as {@code TEND_ADMIN_TOKEN} before a server's first start, so the bootstrap admin's token
 * is known without reading the server's output.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Makes tokens in Tend's format.",
    subcommands = {TokenCommand.New.class})
public final class TokenCommand {
  /** {@code tend token new}. */
  @Command(
      name = "new",
      mixinStandardHelpOptions = true,
      description =
          "Prints a new random token (stored nowhere), e.g. for TEND_ADMIN_TOKEN at a server's"
              + " first start.")
  static final class New implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println(AccessRepository.newTokenText());
      return Main.OK;
    }
  }
}
