package dev.tend.store.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MLflow-style page tokens: base64 of {@code {"offset": n}}, opaque to clients. */
public final class PageTokens {
  private static final Pattern OFFSET =
      Pattern.compile("\\{\\s*\"offset\"\\s*:\\s*(\\d{1,9})\\s*}");

  private PageTokens() {}

  /** The offset a token encodes; none or an empty one is 0. */
  public static int offset(Optional<String> token) {
    if (token.isEmpty() || token.get().isEmpty()) {
      return 0;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(token.get()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid page token, could not base64-decode");
    }
    Matcher matcher = OFFSET.matcher(decoded.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("Invalid page token, decoded value=" + decoded);
    }
    return Integer.parseInt(matcher.group(1));
  }

  /** The token for {@code offset}. */
  public static String of(int offset) {
    return Base64.getEncoder()
        .encodeToString(("{\"offset\": " + offset + "}").getBytes(StandardCharsets.UTF_8));
  }
}
