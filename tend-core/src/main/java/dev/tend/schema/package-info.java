/** Column types and dataset schemas. */
package dev.tend.schema;
