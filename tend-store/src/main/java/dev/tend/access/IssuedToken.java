package dev.tend.access;

import static java.util.Objects.requireNonNull;

/**
 * A token just created: {@code plainText} ({@code tend_<id>_<secret>}) is shown once and never
 * stored; only the SHA-256 of its secret is kept.
 */
public record IssuedToken(String tokenId, Principal principal, String plainText) {
  public IssuedToken {
    requireNonNull(tokenId, "tokenId is null");
    requireNonNull(principal, "principal is null");
    requireNonNull(plainText, "plainText is null");
  }

  @Override
  public String toString() {
    return "IssuedToken[tokenId=" + tokenId + ", principal=" + principal + ", plainText=***]";
  }
}
