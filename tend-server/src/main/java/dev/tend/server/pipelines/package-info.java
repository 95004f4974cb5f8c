/**
 * Runs pipelines inside the server: the durable runner that claims queued runs from the metadata
 * database and executes their steps, the steps themselves, the triggers that queue runs, and the
 * HTTP API.
 */
package dev.tend.server.pipelines;
