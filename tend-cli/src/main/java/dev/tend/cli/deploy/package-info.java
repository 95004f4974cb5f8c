/** {@code tend deploy} and {@code tend rollout}: deployments, rollouts and their history. */
package dev.tend.cli.deploy;
