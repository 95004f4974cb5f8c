/**
 * Running and administering a server: {@code tend server}, {@code tend token} and {@code tend
 * project}.
 */
package dev.tend.cli.server;
