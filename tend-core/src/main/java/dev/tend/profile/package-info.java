/**
 * Mergeable, serializable column and dataset profiles: exact counts and moments plus KLL, HLL and
 * frequent-items sketches, computed from (value, count) streams.
 */
package dev.tend.profile;
