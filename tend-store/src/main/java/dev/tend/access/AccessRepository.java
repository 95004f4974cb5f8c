package dev.tend.access;

import dev.tend.store.Database;
import java.util.Optional;

/**
 * Principals, their API tokens and their roles per project. Tokens are kept hashed: a token is
 * {@code tend_<token id>_<secret>}, looked up by id and checked by a constant-time comparison of
 * the SHA-256 of its secret. Thread-safe; every change is audited in its own transaction.
 */
public interface AccessRepository {

  /**
   * A new random token's text, of the shape Tend issues ({@code tend_<id>_<secret>}); nothing is
   * stored. Automation may pass it as the bootstrap admin token ({@code TEND_ADMIN_TOKEN}).
   */
  static String newTokenText() {
    return JdbiAccessRepository.newTokenText();
  }

  /** Whether {@code token} has the shape of a token Tend issues. */
  static boolean isWellFormedToken(String token) {
    return JdbiAccessRepository.isWellFormed(token);
  }

  /** The access records of {@code database}. */
  static AccessRepository of(Database database) {
    return new JdbiAccessRepository(database);
  }

  /**
   * Creates a principal.
   *
   * @throws dev.tend.store.ConflictException when the name is taken
   */
  Principal createPrincipal(String name, boolean globalAdmin, String actor);

  /** The principal named {@code name}. */
  Optional<Principal> findPrincipal(String name);

  /** Creates a token for {@code principalId}; the plain text is in the result and nowhere else. */
  IssuedToken createToken(String principalId, String label, String actor);

  /**
   * The principal of {@code token} when it is well formed, known, unrevoked and its secret fits.
   */
  Optional<Principal> verify(String token);

  /**
   * Revokes a token; later {@link #verify} calls fail. Revoking twice is a no-op.
   *
   * @throws dev.tend.store.NotFoundException when there is no such token
   */
  void revokeToken(String tokenId, String actor);

  /** Gives {@code principalId} {@code role} in {@code projectId}, replacing any role it had. */
  void grant(String projectId, String principalId, Role role, String actor);

  /** Takes away the role of {@code principalId} in {@code projectId}, if it had one. */
  void revokeRole(String projectId, String principalId, String actor);

  /** The role of {@code principalId} in {@code projectId}. */
  Optional<Role> roleOf(String principalId, String projectId);

  /**
   * Makes sure a global admin exists, for the first start of a server. When there is none, creates
   * the principal {@code admin} with a token and returns it: {@code fromEnvironment} when given (it
   * must be a well-formed token, for example from {@code TEND_BOOTSTRAP_TOKEN}), else a new one.
   * Returns empty when a global admin already exists.
   */
  Optional<IssuedToken> ensureBootstrapAdmin(Optional<String> fromEnvironment);
}
