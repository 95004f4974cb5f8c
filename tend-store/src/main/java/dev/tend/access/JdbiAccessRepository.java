package dev.tend.access;

import static java.util.Objects.requireNonNull;

import dev.tend.store.ConflictException;
import dev.tend.store.Database;
import dev.tend.store.Ids;
import dev.tend.store.NotFoundException;
import dev.tend.store.internal.AuditWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

final class JdbiAccessRepository implements AccessRepository {
  private static final String PREFIX = "tend_";
  private static final int ID_LENGTH = 26;
  private static final int SECRET_BYTES = 32;
  private static final String BOOTSTRAP_NAME = "admin";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final RowMapper<Principal> PRINCIPAL =
      (rs, ctx) ->
          new Principal(rs.getString("id"), rs.getString("name"), rs.getBoolean("global_admin"));

  private final Database database;

  JdbiAccessRepository(Database database) {
    this.database = requireNonNull(database, "database is null");
  }

  @Override
  public Principal createPrincipal(String name, boolean globalAdmin, String actor) {
    checkPrincipalName(name);
    requireNonNull(actor, "actor is null");
    return database.write(handle -> insertPrincipal(handle, name, globalAdmin, actor));
  }

  private Principal insertPrincipal(Handle handle, String name, boolean globalAdmin, String actor) {
    Principal principal = new Principal(Ids.next(), name, globalAdmin);
    Instant now = database.now();
    handle
        .createUpdate(
            "INSERT INTO users (id, name, global_admin, created_at)"
                + " VALUES (:id, :name, :admin, :at)")
        .bind("id", principal.id())
        .bind("name", name)
        .bind("admin", globalAdmin)
        .bind("at", now.toEpochMilli())
        .execute();
    AuditWriter.append(
        handle,
        now,
        actor,
        "principal.create",
        null,
        "principal/" + name,
        Map.of("globalAdmin", globalAdmin));
    return principal;
  }

  @Override
  public Optional<Principal> findPrincipal(String name) {
    requireNonNull(name, "name is null");
    return database.read(
        handle ->
            handle
                .createQuery("SELECT id, name, global_admin FROM users WHERE name = :name")
                .bind("name", name)
                .map(PRINCIPAL)
                .findOne());
  }

  @Override
  public IssuedToken createToken(String principalId, String label, String actor) {
    requireNonNull(principalId, "principalId is null");
    requireNonNull(label, "label is null");
    requireNonNull(actor, "actor is null");
    String plain = newTokenText();
    ParsedToken token = ParsedToken.parse(plain).orElseThrow();
    return database.write(
        handle ->
            insertToken(handle, principalId, token.id(), token.secret(), plain, label, actor));
  }

  private IssuedToken insertToken(
      Handle handle,
      String principalId,
      String tokenId,
      byte[] secret,
      String plain,
      String label,
      String actor) {
    Principal principal =
        handle
            .createQuery("SELECT id, name, global_admin FROM users WHERE id = :id")
            .bind("id", principalId)
            .map(PRINCIPAL)
            .findOne()
            .orElseThrow(() -> new NotFoundException("no principal with id " + principalId));
    Instant now = database.now();
    handle
        .createUpdate(
            "INSERT INTO api_tokens (id, user_id, secret_sha256, label, created_at, created_by)"
                + " VALUES (:id, :user, :hash, :label, :at, :by)")
        .bind("id", tokenId)
        .bind("user", principalId)
        .bind("hash", HexFormat.of().formatHex(sha256(secret)))
        .bind("label", label)
        .bind("at", now.toEpochMilli())
        .bind("by", actor)
        .execute();
    AuditWriter.append(
        handle,
        now,
        actor,
        "token.create",
        null,
        "token/" + tokenId,
        Map.of("principal", principal.name(), "label", label));
    return new IssuedToken(tokenId, principal, plain);
  }

  @Override
  public Optional<Principal> verify(String token) {
    requireNonNull(token, "token is null");
    Optional<ParsedToken> parsed = ParsedToken.parse(token);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    byte[] presented = sha256(parsed.get().secret());
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT u.id, u.name, u.global_admin, t.secret_sha256 FROM api_tokens t"
                        + " JOIN users u ON u.id = t.user_id"
                        + " WHERE t.id = :id AND t.revoked_at IS NULL")
                .bind("id", parsed.get().id())
                .map(
                    (rs, ctx) ->
                        MessageDigest.isEqual(
                                presented, HexFormat.of().parseHex(rs.getString("secret_sha256")))
                            ? Optional.of(PRINCIPAL.map(rs, ctx))
                            : Optional.<Principal>empty())
                .findOne()
                .flatMap(p -> p));
  }

  @Override
  public void revokeToken(String tokenId, String actor) {
    requireNonNull(tokenId, "tokenId is null");
    requireNonNull(actor, "actor is null");
    database.write(
        handle -> {
          Optional<Long> revokedAt =
              handle
                  .createQuery("SELECT revoked_at FROM api_tokens WHERE id = :id")
                  .bind("id", tokenId)
                  .map((rs, ctx) -> rs.getObject("revoked_at") == null ? -1L : rs.getLong(1))
                  .findOne();
          if (revokedAt.isEmpty()) {
            throw new NotFoundException("no API token with id " + tokenId);
          }
          if (revokedAt.get() >= 0) {
            return null;
          }
          Instant now = database.now();
          handle
              .createUpdate("UPDATE api_tokens SET revoked_at = :at WHERE id = :id")
              .bind("at", now.toEpochMilli())
              .bind("id", tokenId)
              .execute();
          AuditWriter.append(
              handle, now, actor, "token.revoke", null, "token/" + tokenId, Map.of());
          return null;
        });
  }

  @Override
  public void grant(String projectId, String principalId, Role role, String actor) {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(principalId, "principalId is null");
    requireNonNull(role, "role is null");
    requireNonNull(actor, "actor is null");
    database.write(
        handle -> {
          Instant now = database.now();
          handle
              .createUpdate(
                  "INSERT INTO project_roles (project_id, user_id, role, granted_at, granted_by)"
                      + " VALUES (:project, :user, :role, :at, :by)"
                      + " ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role,"
                      + " granted_at = excluded.granted_at, granted_by = excluded.granted_by")
              .bind("project", projectId)
              .bind("user", principalId)
              .bind("role", role.label())
              .bind("at", now.toEpochMilli())
              .bind("by", actor)
              .execute();
          AuditWriter.append(
              handle,
              now,
              actor,
              "role.grant",
              projectId,
              "principal/" + principalId,
              Map.of("role", role.label()));
          return null;
        });
  }

  @Override
  public void revokeRole(String projectId, String principalId, String actor) {
    requireNonNull(projectId, "projectId is null");
    requireNonNull(principalId, "principalId is null");
    requireNonNull(actor, "actor is null");
    database.write(
        handle -> {
          int removed =
              handle
                  .createUpdate(
                      "DELETE FROM project_roles WHERE project_id = :project AND user_id = :user")
                  .bind("project", projectId)
                  .bind("user", principalId)
                  .execute();
          if (removed > 0) {
            AuditWriter.append(
                handle,
                database.now(),
                actor,
                "role.revoke",
                projectId,
                "principal/" + principalId,
                Map.of());
          }
          return null;
        });
  }

  @Override
  public Optional<Role> roleOf(String principalId, String projectId) {
    requireNonNull(principalId, "principalId is null");
    requireNonNull(projectId, "projectId is null");
    return database.read(
        handle ->
            handle
                .createQuery(
                    "SELECT role FROM project_roles WHERE project_id = :project AND user_id = :user")
                .bind("project", projectId)
                .bind("user", principalId)
                .mapTo(String.class)
                .findOne()
                .map(Role::fromLabel));
  }

  @Override
  public Optional<IssuedToken> ensureBootstrapAdmin(Optional<String> fromEnvironment) {
    requireNonNull(fromEnvironment, "fromEnvironment is null");
    Optional<ParsedToken> given = fromEnvironment.map(JdbiAccessRepository::parseBootstrap);
    try {
      return database.write(
          handle -> {
            boolean adminExists =
                handle
                        .createQuery("SELECT count(*) FROM users WHERE global_admin = TRUE")
                        .mapTo(Long.class)
                        .one()
                    > 0;
            if (adminExists) {
              return Optional.<IssuedToken>empty();
            }
            Principal admin = insertPrincipal(handle, BOOTSTRAP_NAME, true, "bootstrap");
            String plain = fromEnvironment.orElseGet(JdbiAccessRepository::newTokenText);
            ParsedToken token = given.orElseGet(() -> ParsedToken.parse(plain).orElseThrow());
            return Optional.of(
                insertToken(
                    handle,
                    admin.id(),
                    token.id(),
                    token.secret(),
                    plain,
                    "bootstrap",
                    "bootstrap"));
          });
    } catch (ConflictException e) {
      // Another replica bootstrapped at the same moment; its admin is the one.
      if (database.read(
              handle ->
                  handle
                      .createQuery("SELECT count(*) FROM users WHERE global_admin = TRUE")
                      .mapTo(Long.class)
                      .one())
          > 0) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** A new random token's text: {@code tend_<ULID>_<32 random bytes, base64url>}. */
  static String newTokenText() {
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    return PREFIX
        + Ids.next()
        + "_"
        + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  static boolean isWellFormed(String token) {
    return ParsedToken.parse(token).isPresent();
  }

  private static ParsedToken parseBootstrap(String token) {
    return ParsedToken.parse(token)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the bootstrap token must look like tend_<26-character id>_<43-character"
                        + " base64url secret>, as tokens Tend issues do"));
  }

  private static void checkPrincipalName(String name) {
    requireNonNull(name, "name is null");
    if (name.isBlank() || name.length() > 128 || name.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "principal name must be 1 to 128 characters without control characters, got '"
              + name.replaceAll("\\p{Cntrl}", "?")
              + "'");
    }
  }

  static byte[] sha256(byte[] secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** The id and secret of a token's text, when it has the right shape. */
  private record ParsedToken(String id, byte[] secret) {
    static Optional<ParsedToken> parse(String token) {
      if (!token.startsWith(PREFIX) || token.length() <= PREFIX.length() + ID_LENGTH + 1) {
        return Optional.empty();
      }
      String id = token.substring(PREFIX.length(), PREFIX.length() + ID_LENGTH);
      if (!dev.tend.store.Ids.isWellFormed(id)
          || token.charAt(PREFIX.length() + ID_LENGTH) != '_') {
        return Optional.empty();
      }
      String encoded = token.substring(PREFIX.length() + ID_LENGTH + 1);
      byte[] secret;
      try {
        secret = Base64.getUrlDecoder().decode(encoded.getBytes(StandardCharsets.US_ASCII));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
      return secret.length == SECRET_BYTES
          ? Optional.of(new ParsedToken(id, secret))
          : Optional.empty();
    }
  }
}
