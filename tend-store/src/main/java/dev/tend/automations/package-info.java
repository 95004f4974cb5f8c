/**
 * Automation policies, the actions they take and the actions' audit trails as stored: policies
 * versioned per name, actions advanced by compare-and-set, the trail append-only.
 */
package dev.tend.automations;
