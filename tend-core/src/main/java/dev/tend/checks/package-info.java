/**
 * Declarative data-quality checks: their kinds, the metrics each one needs from an engine, their
 * evaluation on those metrics, and quality scores per dimension.
 */
package dev.tend.checks;
