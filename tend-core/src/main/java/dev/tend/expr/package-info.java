/**
 * The safe expression language of rules and filters: parsing, printing, schema validation, Java
 * evaluation and SQL rendering, all driven by one allow-list of functions.
 */
package dev.tend.expr;
