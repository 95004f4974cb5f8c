package dev.tend.pipeline.command;

/**
 * A command step that broke its file contract: a declared output it did not write, an empty model
 * folder, metrics that are not a JSON object of finite numbers, a path that leaves {@code
 * outputs/}, or an {@code env} entry the contract does not allow. The message says what was wrong
 * and what would be right.
 */
public class CommandContractException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CommandContractException(String message) {
    super(message);
  }
}
