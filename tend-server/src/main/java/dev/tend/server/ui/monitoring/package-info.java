/** The UI's monitoring pages: drift, performance and data quality of deployments by window. */
package dev.tend.server.ui.monitoring;
