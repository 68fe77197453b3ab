/**
 * The load generator of the HTTP benchmarks: keep-alive HTTP/1.1 connections sending requests prepared as bytes
 * before the clock starts. node:http's client spends ~0.6 ms of CPU per request on this machine, a third of what the
 * sidecar spends answering a single event, on the same two cores; this spends a tenth of that. One request at a time
 * per connection; answers must carry a Content-Length (the sidecar's always do).
 */
import { connect, type Socket } from 'node:net';

export interface Answer {
  status: number;
  /** From the request being asked for (queued or not) to the last byte of the answer. */
  ms: number;
}

const HEADERS_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

/** A complete HTTP/1.1 POST request as bytes. */
export function postRequest(port: number, path: string, headers: Record<string, string>, body: Buffer): Buffer {
  const lines = [`POST ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, `Content-Length: ${body.length}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

class Connection {
  private received: Buffer = Buffer.alloc(0);
  private waiting?: { started: number; resolve: (answer: Answer) => void; reject: (err: Error) => void };

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.waiting?.reject(err));
    socket.on('close', () => this.waiting?.reject(new Error('connection closed')));
  }

  static open(port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  send(request: Buffer, started: number): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.waiting = { started, resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.received = this.received.length ? Buffer.concat([this.received, chunk]) : chunk;
    const headersEnd = this.received.indexOf(HEADERS_END);
    if (headersEnd < 0 || !this.waiting) return;
    const head = this.received.toString('latin1', 0, headersEnd);
    const length = CONTENT_LENGTH.exec(head);
    if (!length) {
      this.waiting.reject(new Error(`answer without Content-Length: ${head.split('\r\n', 1)[0]}`));
      return;
    }
    const end = headersEnd + HEADERS_END.length + Number(length[1]);
    if (this.received.length < end) return;
    const { started, resolve } = this.waiting;
    this.waiting = undefined;
    this.received = this.received.subarray(end);
    resolve({ status: Number(head.slice(9, 12)), ms: performance.now() - started });
  }
}

/** Connections to one port, opened as needed and reused once idle. */
export class ConnectionPool {
  private readonly idle: Connection[] = [];
  private readonly all: Connection[] = [];

  constructor(private readonly port: number) {}

  async send(request: Buffer): Promise<Answer> {
    const started = performance.now();
    const connection = this.idle.pop() ?? (await this.open());
    const answer = await connection.send(request, started);
    this.idle.push(connection);
    return answer;
  }

  close(): void {
    for (const connection of this.all) connection.close();
  }

  private async open(): Promise<Connection> {
    const connection = await Connection.open(this.port);
    this.all.push(connection);
    return connection;
  }
}
