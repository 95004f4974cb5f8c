/**
 * The {@code command} step: its file contract ({@link dev.tend.pipeline.command.CommandWorkspace}:
 * the work folder, {@code params.json}, {@code inputs.json}, {@code outputs/} and the environment a
 * program sees) and the process runner ({@link dev.tend.pipeline.command.CommandRunner}: no shell,
 * streamed output, timeout and cancellation that stop the whole process tree, CPU and memory used).
 * Depends on the JDK, Jackson and slf4j only.
 */
package dev.tend.pipeline.command;
