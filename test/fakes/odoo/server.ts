// HTTP transport: POST /xmlrpc/2/common and /xmlrpc/2/object, decoded with the
// xmlrpc package and answered with fast-encoder.ts, `Connection: close` on every
// answer (Odoo opens a new TCP connection per call), plus the fault injection
// knobs tests turn.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import { fault, OdooFault } from './faults.js';
import { encodeFault, encodeResponseBytes } from './fast-encoder.js';
import { dispatch, type RpcContext, type Service } from './rpc.js';

const require = createRequire(import.meta.url);

interface DeserializerInstance {
  deserializeMethodCall(stream: IncomingMessage, cb: (err: Error | null, method: string, params: unknown[]) => void): void;
}
const Deserializer = require('xmlrpc/lib/deserializer') as new () => DeserializerInstance;

export interface FakeOdooCall {
  at: number;
  service: 'common' | 'object';
  method: string;
  model?: string;
  modelMethod?: string;
  faultCode?: number;
  ms: number;
}

export const DEFAULT_FAIL_MESSAGE = 'psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update';

/** Knobs for simulating a misbehaving Odoo. */
export class FaultControl {
  down = false;
  failures: string[] = [];
  /** Records whose `write` Odoo refuses for good, like a constraint (`@api.constrains`) raising a ValidationError. */
  refusals: Array<{ model: string; ids: Set<number>; message: string }> = [];
  constructor(public latencyMs: number) {}

  /** The refusal for an execute_kw call, if it writes a refused record. */
  refusalFor(model: string | undefined, method: string | undefined, args: unknown): string | undefined {
    if (method !== 'write' || !Array.isArray(args)) return undefined;
    const ids = ([] as unknown[]).concat(args[0]);
    return this.refusals.find((r) => r.model === model && ids.some((id) => r.ids.has(Number(id))))?.message;
  }
}

const ROUTES: Record<string, Service> = { '/xmlrpc/2/common': 'common', '/xmlrpc/2/object': 'object' };

export interface RunningServer { server: Server; port: number; close(): Promise<void> }

export function startServer(ctx: RpcContext, control: FaultControl, calls: FakeOdooCall[], host: string, port: number): Promise<RunningServer> {
  const server = createServer((req, res) => handle(ctx, control, calls, req, res));
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    // "Down" means the TCP connection dies at once: clients see ECONNRESET / socket hang up.
    if (control.down) { socket.destroy(); return; }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      resolve({
        server,
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}

function handle(ctx: RpcContext, control: FaultControl, calls: FakeOdooCall[], req: IncomingMessage, res: ServerResponse): void {
  const service = ROUTES[(req.url ?? '').split('?')[0]];
  if (!service || req.method !== 'POST') {
    res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8', Connection: 'close' });
    res.end('<!doctype html><title>404 Not Found</title><h1>Not Found</h1>');
    return;
  }
  const at = Date.now();
  new Deserializer().deserializeMethodCall(req, (err, method, params) => {
    const delay = control.latencyMs;
    const answer = () => respond(ctx, control, calls, res, { at, service, method, params: params ?? [], err });
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });
}

interface Incoming { at: number; service: Service; method: string; params: unknown[]; err: Error | null }

function respond(ctx: RpcContext, control: FaultControl, calls: FakeOdooCall[], res: ServerResponse, call: Incoming): void {
  const record: FakeOdooCall = { at: call.at, service: call.service, method: call.method ?? '', ms: 0 };
  if (call.service === 'object' && call.method === 'execute_kw') {
    if (typeof call.params[3] === 'string') record.model = call.params[3];
    if (typeof call.params[4] === 'string') record.modelMethod = call.params[4];
  }
  // Bytes, not a string: measuring a 4 MB string's UTF-8 length and then writing it would encode it twice.
  let body: Buffer[];
  try {
    if (call.err) throw fault.python(`xml.parsers.expat.ExpatError: ${call.err.message}`);
    const injected = call.service === 'object' && call.method === 'execute_kw' ? control.failures.shift() : undefined;
    if (injected !== undefined) throw fault.python(injected);
    const refused = call.service === 'object' && call.method === 'execute_kw' ? control.refusalFor(record.model, record.modelMethod, call.params[5]) : undefined;
    if (refused !== undefined) throw fault.user(refused);
    body = encodeResponseBytes(dispatch(ctx, call.service, call.method, call.params));
  } catch (e) {
    const f = e instanceof OdooFault ? e : fault.python(`Exception: ${String(e)}`);
    record.faultCode = f.code;
    body = [Buffer.from(encodeFault(f.code, f.faultString), 'utf8')];
  }
  // Odoo sends automation webhooks synchronously, inside the call: the answer comes after them.
  void ctx.store.webhooks.flush().then(() => send(res, body, record, calls, call.at));
}

function send(res: ServerResponse, body: Buffer[], record: FakeOdooCall, calls: FakeOdooCall[], at: number): void {
  res.writeHead(200, {
    'Content-Type': 'text/xml; charset=utf-8',
    'Content-Length': body.reduce((n, chunk) => n + chunk.length, 0),
    Connection: 'close',
    Server: 'Werkzeug/3.0.1 Python/3.12.3',
  });
  for (const chunk of body) res.write(chunk);
  res.end();
  record.ms = Date.now() - at;
  calls.push(record);
}
