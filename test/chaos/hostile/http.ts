/**
 * Clients that send what fetch would refuse or tidy up: paths kept verbatim (`/hooks/odoo/../admin`), any header
 * bytes, bodies larger than the server accepts; raw sockets for requests that are not even valid HTTP; and
 * slow-loris connections that trickle a request and never finish it.
 */
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  /** HTTP status, or 0 when the connection failed or timed out before any answer. */
  status: number;
  body: string;
  error?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });
const MAX_BODY = 64 * 1024;

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
}

/** One request through node:http with the path as given; resolves at the answer (writing may still be refused). */
export function sendRaw(port: number, req: RawRequest, timeoutMs = 20_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: RawAnswer) => {
      if (settled) return;
      settled = true;
      resolve(answer);
    };
    const headers = { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) };
    let outgoing: ReturnType<typeof request>;
    try {
      outgoing = request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        if (body.length < MAX_BODY) body += d.toString('utf8');
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      res.on('error', () => done({ status: res.statusCode ?? 0, body }));
      });
    } catch (err) {
      // node:http itself refuses some requests (characters it will not put in a path or header).
      done({ status: -1, body: '', error: `not sent: ${(err as Error).message}` });
      return;
    }
    outgoing.on('timeout', () => {
      outgoing.destroy(new Error('timeout'));
    });
    // The server may answer (413, 431) and close while the body is still being written: the answer is what counts.
    outgoing.on('error', (err) => setTimeout(() => done({ status: 0, body: '', error: err.message }), 50));
    outgoing.end(req.body);
  });
}

/** Writes `bytes` on a fresh connection and reads the status line of whatever comes back (0 when nothing does). */
export function sendBytes(port: number, bytes: Buffer, timeoutMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const finish = () => {
      socket.destroy();
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1] ?? 0);
      const body = received.split('\r\n\r\n').slice(1).join('\r\n\r\n');
      resolve({ status, body: body.slice(0, MAX_BODY) });
    };
    socket.setTimeout(timeoutMs, finish);
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(bytes);
  });
}

export interface SlowClient {
  phase: 'headers' | 'body';
  socket: Socket;
  /** Whether the server has closed the connection. */
  closed: () => boolean;
}

/**
 * Opens a connection that sends a request one byte every `intervalMs` and never completes it: the headers (`phase`
 * 'headers') or, after complete headers announcing a body, the body.
 */
export function slowLoris(port: number, phase: 'headers' | 'body', path: string, headers: string, intervalMs: number): SlowClient {
  const socket = connect(port, '127.0.0.1');
  let closed = false;
  const head = phase === 'headers'
    ? `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}X-Slow: `
    : `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n[`;
  socket.write(head);
  const timer = setInterval(() => {
    if (!closed) socket.write('a');
  }, intervalMs);
  const close = () => {
    closed = true;
    clearInterval(timer);
  };
  socket.on('close', close);
  socket.on('error', close);
  socket.on('data', () => undefined);
  return { phase, socket, closed: () => closed };
}

export function closeAgent(): void {
  agent.destroy();
}
