/**
 * Automation policies: what a project does on its own when a deployment degrades (retrain with a
 * pipeline, gate the challenger against the champion, roll it out as a canary), within guardrails.
 * Pure values and their parser; the server runs them. See docs/automation.md.
 */
package dev.tend.automation;
