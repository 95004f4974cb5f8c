/**
 * Automation over HTTP and on a timer: policies stored per project, and the actions they take on a
 * firing alert or a manual trigger (retrain, gate, approval, canary, promotion), advanced from
 * stored state. See docs/automation.md.
 */
package dev.tend.server.automation;
