/**
 * XML-RPC encoding and decoding, kept apart from the transport so the read path can swap in a faster decoder.
 * Today both directions use the `xmlrpc` package's serializer and sax-based deserializer.
 */
import { Readable } from 'node:stream';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The package exposes these only as internal modules; they are stable across its 1.x releases.
const Serializer = require('xmlrpc/lib/serializer') as { serializeMethodCall(method: string, params: unknown[]): string };
const Deserializer = require('xmlrpc/lib/deserializer') as new (encoding?: string) => {
  deserializeMethodResponse(stream: Readable, cb: (err: XmlRpcRawFault | Error | null, value?: unknown) => void): void;
};

interface XmlRpcRawFault extends Error {
  faultCode?: unknown;
  faultString?: string;
}

/** A `<fault>` answered by the server: a well-formed reply, not a transport failure. */
export class XmlRpcFault extends Error {
  constructor(readonly faultCode: number, readonly faultString: string) {
    super(`XML-RPC fault ${faultCode}: ${lastLine(faultString)}`);
    this.name = 'XmlRpcFault';
  }
}

/** Odoo puts a whole Python traceback in Fault 1; the message is its last non-empty line. */
export function lastLine(text: string): string {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

export interface XmlRpcCodec {
  encodeCall(method: string, params: unknown[]): string;
  /** The response body as text, or as its bytes (read as UTF-8). */
  decodeResponse(body: string | Uint8Array): Promise<unknown>;
  /** A decoder for a body that arrives in chunks. */
  responseDecoder(): ResponseDecoder;
}

/** One response's body, decoded as its bytes arrive. */
export interface ResponseDecoder {
  /** The next bytes of the body (read as UTF-8). */
  write(bytes: Uint8Array): void;
  /** The value, once every byte is written: a fault rejects with XmlRpcFault. */
  end(): Promise<unknown>;
}

/** A decoder that keeps the chunks and decodes the whole body at the end. */
function wholeBodyDecoder(decode: (body: Uint8Array) => Promise<unknown>): ResponseDecoder {
  const chunks: Uint8Array[] = [];
  return {
    write: (bytes) => void chunks.push(bytes),
    end: () => decode(Buffer.concat(chunks)),
  };
}

/** A response body as text (bytes are UTF-8). */
export function bodyText(body: string | Uint8Array): string {
  return typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

export const saxCodec: XmlRpcCodec = {
  encodeCall(method, params) {
    return Serializer.serializeMethodCall(method, params);
  },
  decodeResponse(body) {
    return new Promise((resolve, reject) => {
      new Deserializer('utf8').deserializeMethodResponse(Readable.from([bodyText(body)]), (err, value) => {
        if (!err) return resolve(value);
        const fault = err as XmlRpcRawFault;
        if (fault.faultCode !== undefined) reject(new XmlRpcFault(Number(fault.faultCode), String(fault.faultString ?? '')));
        else reject(err);
      });
    });
  },
  responseDecoder() {
    return wholeBodyDecoder((body) => saxCodec.decodeResponse(body));
  },
};
