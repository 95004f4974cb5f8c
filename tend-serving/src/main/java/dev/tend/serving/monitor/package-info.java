/**
 * Window sketches from the prediction log: parses logged records' inputs and outputs against the
 * model's signature into the {@code dev.tend.monitor.WindowSketch} of a window, per segment too.
 */
package dev.tend.serving.monitor;
