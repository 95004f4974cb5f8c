/**
 * Deployments: named endpoints that serve a project's model versions in one environment, with the
 * append-only history of their traffic (a stable version and an optional canary, A/B or shadow
 * candidate), who changed it and why.
 */
package dev.tend.deployments;
