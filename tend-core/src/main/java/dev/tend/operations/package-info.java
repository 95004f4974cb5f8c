/**
 * Operations figures of a project, DORA-style for models: how often the served model changes, how
 * long fresh data takes to reach serving, how often a change fails, how fast incidents are detected
 * and recovered from, and how much of this the system did by itself. Pure: {@link
 * dev.tend.operations.OperationsCalculator} turns plain event records into {@link
 * dev.tend.operations.OperationsFigures}; reading the events is the server's job.
 */
package dev.tend.operations;
