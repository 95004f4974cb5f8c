/** Suggesting check suites from known-good data, with the evidence for each check. */
package dev.tend.suggest;
