/**
 * A small client of Tend's HTTP API for the {@code tend} command: JSON requests, streamed blob
 * uploads and downloads, and server problems turned into exceptions that carry their exit code.
 */
package dev.tend.cli.remote;
