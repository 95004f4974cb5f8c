/** {@code tend ops}: a project's operations figures as a table or JSON. */
package dev.tend.cli.ops;
