/** Typed, located reading of parsed YAML node trees for Tend's strict file formats. */
package dev.tend.yaml;
