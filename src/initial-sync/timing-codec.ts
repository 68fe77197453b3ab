/** Wraps an XML-RPC codec to time the decoding of Odoo's answers: the benchmark reports partners decoded per second. */
import type { XmlRpcCodec } from '../crm/xmlrpc-codec.js';

export interface DecodeTimer {
  codec: XmlRpcCodec;
  /** Seconds spent decoding so far. */
  seconds(): number;
}

export function timedCodec(inner: XmlRpcCodec): DecodeTimer {
  let ns = 0n;
  return {
    codec: {
      encodeCall: (method, params) => inner.encodeCall(method, params),
      async decodeResponse(body) {
        const started = process.hrtime.bigint();
        try {
          return await inner.decodeResponse(body);
        } finally {
          ns += process.hrtime.bigint() - started;
        }
      },
    },
    seconds: () => Number(ns) / 1e9,
  };
}
