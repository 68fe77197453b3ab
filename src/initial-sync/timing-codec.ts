/** Wraps an XML-RPC codec to time the decoding of Odoo's answers: the benchmark reports partners decoded per second. */
import type { XmlRpcCodec } from '../crm/xmlrpc-codec.js';

export interface DecodeTimer {
  codec: XmlRpcCodec;
  /** Seconds spent decoding so far. */
  seconds(): number;
}

export function timedCodec(inner: XmlRpcCodec): DecodeTimer {
  let ns = 0n;
  const since = (started: bigint) => void (ns += process.hrtime.bigint() - started);
  async function timed<T>(work: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    try {
      return await work();
    } finally {
      since(started);
    }
  }
  return {
    codec: {
      encodeCall: (method, params) => inner.encodeCall(method, params),
      decodeResponse: (body) => timed(() => inner.decodeResponse(body)),
      // A body decoded as it arrives is charged for the decoder's own work only, not for the time its bytes take to come.
      responseDecoder() {
        const decoder = inner.responseDecoder();
        return {
          write(bytes) {
            const started = process.hrtime.bigint();
            try {
              decoder.write(bytes);
            } finally {
              since(started);
            }
          },
          end: () => timed(() => decoder.end()),
        };
      },
    },
    seconds: () => Number(ns) / 1e9,
  };
}
