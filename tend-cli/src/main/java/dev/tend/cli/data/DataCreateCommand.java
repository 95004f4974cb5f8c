package dev.tend.cli.data;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tend.cli.Connection;
import dev.tend.cli.FormatOption;
import dev.tend.cli.Main;
import dev.tend.cli.ProjectOption;
import dev.tend.cli.remote.TendClient;
import dev.tend.suite.SuiteParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tend data create NAME [--suite FILE]}: creates a dataset or attaches its suite. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = {
      "Creates a dataset (needs the maintainer role), or updates it when it exists.",
      "With --suite, attaches the check suite every pushed version must pass; the suite is"
          + " checked here first, and an error names FILE:LINE:COLUMN."
    })
final class DataCreateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Connection connection;
  @Mixin ProjectOption project;

  @Parameters(paramLabel = "NAME", description = "Dataset name.")
  String name;

  @Option(names = "--suite", paramLabel = "FILE", description = "Check suite (YAML) to attach.")
  Path suite;

  @Override
  public Integer call() {
    ObjectNode body = FormatOption.object();
    if (suite != null) {
      String yaml = read(suite);
      SuiteParser.parse(yaml, suite.toString(), name);
      body.put("suite", yaml);
    }
    TendClient.Response response;
    try (TendClient client = connection.open()) {
      response =
          client.send(
              "PUT",
              DataCommand.path(project.name(), name),
              suite == null ? Optional.empty() : Optional.of(body),
              Map.of());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        (response.status() == 201 ? "Created dataset " : "Updated dataset ")
            + name
            + " in project "
            + project.name()
            + (suite == null ? "" : " with the suite " + suite));
    out.flush();
    return Main.OK;
  }

  private static String read(Path file) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (NoSuchFileException e) {
      throw new Main.UsageException(file + ": no such file");
    } catch (CharacterCodingException e) {
      throw new Main.UsageException(file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new UncheckedIOException(new IOException("cannot read " + file + ": " + e, e));
    }
  }
}
