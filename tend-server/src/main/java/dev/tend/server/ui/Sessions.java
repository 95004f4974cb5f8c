package dev.tend.server.ui;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The UI's signed-in sessions, in memory: a random id (the cookie's value) to the token it was
 * opened with, which is verified again on every request so that revoking a token ends its sessions
 * at once, and a CSRF token for its forms. A session ends when signed out, after {@link #IDLE} idle
 * or {@link #LIFETIME} in all, and when the server restarts. Thread-safe.
 */
final class Sessions {
  static final Duration IDLE = Duration.ofHours(12);
  static final Duration LIFETIME = Duration.ofDays(7);
  static final int MAX_SESSIONS = 10_000;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final Clock clock;

  Sessions(Clock clock) {
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** One signed-in browser. */
  static final class Session {
    final String id;
    final String token;
    final String csrf;
    final Instant opened;
    volatile Instant lastSeen;
    volatile String flash;

    Session(String id, String token, String csrf, Instant opened) {
      this.id = id;
      this.token = token;
      this.csrf = csrf;
      this.opened = opened;
      this.lastSeen = opened;
    }

    /** The message left for the next page, once. */
    Optional<String> takeFlash() {
      String message = flash;
      flash = null;
      return Optional.ofNullable(message);
    }
  }

  Session open(String token) {
    Instant now = clock.instant();
    if (sessions.size() >= MAX_SESSIONS) {
      expire(now);
      sessions.values().stream()
          .min(Comparator.comparing(s -> s.lastSeen))
          .ifPresent(oldest -> sessions.remove(oldest.id));
    }
    Session session = new Session(random(), token, random(), now);
    sessions.put(session.id, session);
    return session;
  }

  /** The live session with {@code id}, marked as seen now. */
  Optional<Session> find(String id) {
    if (id == null || id.isEmpty()) {
      return Optional.empty();
    }
    Session session = sessions.get(id);
    if (session == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (expired(session, now)) {
      sessions.remove(id);
      return Optional.empty();
    }
    session.lastSeen = now;
    return Optional.of(session);
  }

  void close(String id) {
    if (id != null) {
      sessions.remove(id);
    }
  }

  int size() {
    return sessions.size();
  }

  private void expire(Instant now) {
    sessions.values().removeIf(s -> expired(s, now));
  }

  private static boolean expired(Session session, Instant now) {
    return session.lastSeen.plus(IDLE).isBefore(now) || session.opened.plus(LIFETIME).isBefore(now);
  }

  /** 256 random bits, URL-safe. */
  static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
