/**
 * HTTP plumbing shared by every API route: declaring routes with their access ({@link
 * dev.tend.server.http.ApiRoutes}), problem responses ({@link dev.tend.server.http.Problems}),
 * bounded JSON bodies, cursor pagination and idempotency keys.
 */
package dev.tend.server.http;
