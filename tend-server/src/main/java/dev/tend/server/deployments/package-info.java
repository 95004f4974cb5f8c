/**
 * Deployment management over HTTP: creating and re-pointing deployments, rollouts of a candidate
 * version (canary, A/B, shadow) with promote, rollback and status, and the background controller
 * that rolls a worse candidate back or promotes a clean one by the figures the serving path
 * reports.
 */
package dev.tend.server.deployments;
