/** {@code tend monitor}: a deployment's monitor, its windows and figures, and its settings. */
package dev.tend.cli.monitor;
