/**
 * Drift measures and two-sample tests that compare a current sample with a reference, from exact
 * samples, KLL sketches or category counts.
 */
package dev.tend.drift;
