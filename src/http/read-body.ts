/**
 * Reads a request body into one Buffer, up to a limit, without the generic body-parser machinery (content-type
 * negotiation, decompression, streams of streams): the webhook route needs the exact bytes, fast, and nothing else.
 */
import type { IncomingMessage } from 'node:http';

export class BodyError extends Error {
  constructor(readonly status: 413 | 415 | 400, message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Resolves with the body, or rejects with a BodyError (413 over `limit` bytes, 415 for a compressed body, 400 when the
 * client gives up half-way). A body refused early is left to Node, which discards the rest once the answer is sent.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    return Promise.reject(new BodyError(415, `unsupported Content-Encoding: ${encoding.slice(0, 40)}`));
  }
  if (Number(req.headers['content-length']) > limit) return Promise.reject(new BodyError(413, 'body too large'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData).off('end', onEnd).resume();
      reject(new BodyError(413, 'body too large'));
    };
    const onEnd = () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    // Closed before its end (the client gave up): nothing to store. After 'end', this reject is a no-op.
    const onAbort = () => reject(new BodyError(400, 'request aborted'));
    req.on('data', onData).on('end', onEnd).on('error', onAbort).on('close', onAbort);
  });
}
