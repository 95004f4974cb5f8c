/** The OpenAPI 3.1 description of the server's routes. */
package dev.tend.server.openapi;
