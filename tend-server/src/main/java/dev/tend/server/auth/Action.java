package dev.tend.server.auth;

/** What a request does to a project, from least to most powerful. */
public enum Action {
  READ,
  WRITE,
  MAINTAIN,
  ADMIN
}
