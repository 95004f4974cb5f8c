/**
 * Operations figures over HTTP: reads a project's deployment revisions, approvals, incidents,
 * queued pipeline runs and model lineage from the store and hands them to {@link
 * dev.tend.operations.OperationsCalculator}. See docs/operations-figures.md.
 */
package dev.tend.server.operations;
