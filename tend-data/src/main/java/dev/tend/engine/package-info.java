/** The engine contract that checks and profiles run on: datasets, metrics, samples and scans. */
package dev.tend.engine;
