package dev.tend.store;

/** The named thing (project, token, dataset, version, alias) does not exist or is not visible. */
public class NotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }
}
