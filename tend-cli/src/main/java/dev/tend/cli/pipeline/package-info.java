/**
 * {@code tend pipeline}: store pipelines on a Tend server, queue runs of them or of a local file,
 * follow runs to their end, read their steps and logs, and cancel them.
 */
package dev.tend.cli.pipeline;
