/** Check and profile reports as text tables, stable JSON and JUnit XML. */
package dev.tend.report;
