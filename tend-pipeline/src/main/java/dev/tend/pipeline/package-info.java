/**
 * Pipeline files: the YAML format ({@code schemas/pipeline.schema.json}), a strict parser whose
 * errors point at file, line and column, gate conditions and the topological order of steps.
 */
package dev.tend.pipeline;
