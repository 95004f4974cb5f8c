/**
 * Who is calling and what they may do: principals from bearer tokens, roles per project. The stores
 * that back {@link dev.tend.server.auth.TokenVerifier} and {@link dev.tend.server.auth.Authorizer}
 * live elsewhere; this package only defines what the HTTP layer needs from them.
 */
package dev.tend.server.auth;
