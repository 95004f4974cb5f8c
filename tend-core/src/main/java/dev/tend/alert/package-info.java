/**
 * Alert rules over monitoring figures: conditions, durations, severities, the states an alert goes
 * through, and the events channels deliver.
 */
package dev.tend.alert;
