package dev.tend.client;

/**
 * A call to Tend failed: the server could not be reached or did not answer in time on any attempt,
 * or answered something that is not Tend's (see {@link TendApiException} for refusals).
 */
public class TendClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TendClientException(String message) {
    super(message);
  }

  TendClientException(String message, Throwable cause) {
    super(message, cause);
  }
}
