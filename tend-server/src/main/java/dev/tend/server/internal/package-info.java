/**
 * Code the server's packages share that is not part of its API: the folders pushes work in and
 * their recovery at start, and the pause points crash tests stop the server at.
 */
package dev.tend.server.internal;
