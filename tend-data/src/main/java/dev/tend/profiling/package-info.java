/** Profiling datasets through an engine into mergeable sketch profiles. */
package dev.tend.profiling;
