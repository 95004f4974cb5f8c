/** {@code tend demo}: the flagship scenario run end to end against an in-process server. */
package dev.tend.cli.demo;
