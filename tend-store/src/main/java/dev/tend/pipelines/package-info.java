/**
 * Pipeline definitions and the durable queue of their runs: runs and their steps, leases that let
 * several server processes share one database without running a step twice, retries, cancellation,
 * step logs and trigger cursors.
 */
package dev.tend.pipelines;
