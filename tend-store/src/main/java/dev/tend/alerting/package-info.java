/**
 * Stored alerting: alert rules per project, the state each rule keeps per series, the alerts they
 * raise, and incidents with their append-only timelines. The rules and the state machine are {@code
 * dev.tend.alert}'s; this package keeps what they decide, one transaction per change.
 */
package dev.tend.alerting;
