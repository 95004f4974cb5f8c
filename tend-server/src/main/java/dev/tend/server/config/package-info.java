/** The server's configuration: one YAML file with {@code TEND_*} environment overrides. */
package dev.tend.server.config;
