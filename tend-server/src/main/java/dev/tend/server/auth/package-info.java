/**
 * The server's ports for authentication and authorization: {@link
 * dev.tend.server.auth.TokenVerifier} and {@link dev.tend.server.auth.Authorizer}, typed with the
 * store's {@link dev.tend.access.Principal}, {@link dev.tend.access.Role} and {@link
 * dev.tend.access.Action}. The HTTP layer depends only on these ports, so tests can stand in for
 * the store.
 */
package dev.tend.server.auth;
