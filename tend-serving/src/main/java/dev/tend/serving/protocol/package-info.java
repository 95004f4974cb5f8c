/**
 * Request and response codecs of the three serving protocols (Tend's predict API, MLflow's {@code
 * /invocations} scoring protocol and the Open Inference Protocol, KServe V2), all decoding into one
 * typed, columnar {@link dev.tend.serving.protocol.Batch} checked against a {@link
 * dev.tend.serving.protocol.ServingSignature}. Every bad request becomes a {@link
 * dev.tend.serving.protocol.ServingProtocolException} with a stable code and a message naming the
 * row and field, for the HTTP layer to turn into a 400 problem+json.
 */
package dev.tend.serving.protocol;
