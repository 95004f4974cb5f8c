package dev.tend.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A request body holding a document a user wrote (an alert rule, an automation policy) as YAML or
 * JSON: its format from the content type, and its text, which must be UTF-8.
 */
public record DocumentBody(String format, String text) {
  private static final List<String> YAML_TYPES =
      List.of("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml");

  /**
   * Reads the call's body as {@code what} (named in the errors: "rule", "policy").
   *
   * @throws ApiException 415 for another content type, 400 for text that is not UTF-8
   */
  public static DocumentBody read(ApiCall call, String what) {
    String contentType =
        Optional.ofNullable(call.context().contentType())
            .map(t -> t.split(";")[0].trim().toLowerCase(Locale.ROOT))
            .orElse("");
    String format;
    if (YAML_TYPES.contains(contentType)) {
      format = "yaml";
    } else if (contentType.equals(ApiCall.JSON)) {
      format = "json";
    } else {
      throw new ApiException(
          ProblemCode.UNSUPPORTED_MEDIA_TYPE,
          "send the "
              + what
              + " as application/yaml or application/json, not '"
              + (contentType.isEmpty() ? "no content type" : contentType)
              + "'");
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(call.bodyBytes()))
              .toString();
      return new DocumentBody(format, text);
    } catch (CharacterCodingException e) {
      throw new ApiException(ProblemCode.MALFORMED_REQUEST, "the " + what + " must be UTF-8 text");
    }
  }
}
