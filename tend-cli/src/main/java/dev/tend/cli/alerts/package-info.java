/** {@code tend alerts} (rules, alerts, acknowledgements) and {@code tend incidents}. */
package dev.tend.cli.alerts;
