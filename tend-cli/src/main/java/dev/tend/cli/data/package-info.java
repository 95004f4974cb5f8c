/** {@code tend data}: push, pull, list, compare and alias versioned datasets on a Tend server. */
package dev.tend.cli.data;
