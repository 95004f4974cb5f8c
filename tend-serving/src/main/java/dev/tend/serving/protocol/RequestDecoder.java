package dev.tend.serving.protocol;

/**
 * Decodes one protocol's request body into rows checked against a model's signature. Decoders are
 * immutable and safe to share between threads.
 */
public interface RequestDecoder {
  /**
   * Decodes a request body.
   *
   * @throws ServingProtocolException for any body the protocol or the signature refuses
   */
  PredictRequest decodeRequest(byte[] body);
}
