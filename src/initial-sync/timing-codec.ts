/** Wraps an XML-RPC codec to time the decoding of Odoo's answers: the benchmark reports partners decoded per second. */
import type { XmlRpcCodec } from '../crm/xmlrpc-codec.js';

export interface DecodeTimer {
  codec: XmlRpcCodec;
  /** Seconds spent decoding so far. */
  seconds(): number;
}

export function timedCodec(inner: XmlRpcCodec): DecodeTimer {
  let ns = 0n;
  const clock = () => process.hrtime.bigint();
  function timed<T>(work: () => T): T {
    const started = clock();
    try {
      return work();
    } finally {
      ns += clock() - started;
    }
  }
  async function timedAsync<T>(work: () => Promise<T>): Promise<T> {
    const started = clock();
    try {
      return await work();
    } finally {
      ns += clock() - started;
    }
  }
  return {
    codec: {
      encodeCall: (method, params) => inner.encodeCall(method, params),
      decodeResponse: (body) => timedAsync(() => inner.decodeResponse(body)),
      // A body decoded as it arrives is charged for the decoder's own work only, not for the time its bytes take to come.
      responseDecoder() {
        const decoder = inner.responseDecoder();
        return { write: (bytes) => timed(() => decoder.write(bytes)), end: () => timedAsync(() => decoder.end()) };
      },
    },
    seconds: () => Number(ns) / 1e9,
  };
}
