/**
 * A small client for applications that use Tend: {@link dev.tend.client.TendClient} predicts
 * through a deployment, logs predictions made by models served elsewhere, and sends feedback
 * (labels and business outcomes), with per-attempt time-outs and retries that never make a call
 * count twice.
 */
package dev.tend.client;
