/**
 * Model serving without the HTTP layer: protocol codecs with signature enforcement and the durable
 * prediction log. The server's serving routes are built on it.
 */
package dev.tend.serving;
