/** {@code tend automation}: automation policies and the actions they take. */
package dev.tend.cli.automation;
