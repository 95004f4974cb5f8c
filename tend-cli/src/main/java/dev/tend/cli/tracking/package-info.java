/**
 * Experiment tracking from the command line: {@code tend experiments}, {@code runs}, {@code models}
 * and {@code lineage}, read from a Tend server's MLflow API.
 */
package dev.tend.cli.tracking;
