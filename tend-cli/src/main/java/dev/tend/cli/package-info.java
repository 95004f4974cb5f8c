/**
 * The {@code tend} command: the entry point {@link dev.tend.cli.Main} and the plumbing its command
 * families share (server connection, project and format options, tables, progress, the embedded
 * engine's settings, metric history files, an in-process server).
 */
package dev.tend.cli;
