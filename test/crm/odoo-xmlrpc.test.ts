/**
 * The Odoo client's transport over real HTTP on loopback: answers decoded as their bytes arrive (in any chunking),
 * HTTP errors and cut-off answers turned into typed errors.
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { OdooXmlRpcClient } from '../../src/crm/odoo-xmlrpc.js';
import { CrmError, CrmTransientError, CrmValidationError } from '../../src/crm/errors.js';

const require = createRequire(import.meta.url);
const Serializer = require('xmlrpc/lib/serializer') as { serializeMethodResponse(value: unknown): string; serializeFault(value: unknown): string };

type Answer = (res: http.ServerResponse) => void;

describe('OdooXmlRpcClient transport', () => {
  let server: http.Server;
  let answer: Answer;
  let client: OdooXmlRpcClient;

  beforeEach(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      // authenticate: uid 2; every other call gets the answer under test.
      req.on('end', () => (req.url === '/xmlrpc/2/common' ? res.end(Serializer.serializeMethodResponse(2)) : answer(res)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new OdooXmlRpcClient({ url: `http://127.0.0.1:${port}`, db: 'crm', user: 'admin', password: 'x', timeoutMs: 5000 });
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  const read = () => client.call('res.partner', 'search_read', [[]], { fields: ['name'] });

  it('decodes an answer sent a few bytes at a time, multi-byte characters cut between writes', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ id: i + 1, name: `Łódź Ève 😀 ${'é'.repeat(i % 7)} & <${i}>` }));
    const bytes = Buffer.from(Serializer.serializeMethodResponse(rows));
    answer = (res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      let at = 0;
      const next = () => {
        if (at >= bytes.length) return res.end();
        const n = 1 + ((at * 7) % 13);
        res.write(bytes.subarray(at, at + n), next);
        at += n;
      };
      next();
    };
    expect(await read()).to.deep.equal(rows);
  });

  it('turns a fault in the answer into a typed error', async () => {
    answer = (res) => res.end(Serializer.serializeFault({ faultCode: 2, faultString: 'ValidationError\nInvalid e-mail' }));
    const err = await read().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CrmValidationError).with.property('message', 'Invalid e-mail');
  });

  it('reports HTTP errors by status: 5xx and 429 may pass, other statuses do not', async () => {
    for (const [status, transient] of [[502, true], [429, true], [404, false], [403, false]] as const) {
      answer = (res) => {
        res.writeHead(status);
        res.end('<html>not XML-RPC</html>');
      };
      const err = (await read().catch((e: unknown) => e)) as CrmError;
      expect(err, String(status)).to.be.instanceOf(CrmError).with.property('message', `Odoo HTTP ${status} on /xmlrpc/2/object`);
      expect(err.transient, String(status)).to.equal(transient);
    }
  });

  it('reports an answer cut off midway as transient, never as a value', async () => {
    const bytes = Buffer.from(Serializer.serializeMethodResponse([{ id: 1, name: 'x'.repeat(10_000) }]));
    answer = (res) => {
      res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': bytes.length });
      res.write(bytes.subarray(0, bytes.length / 2), () => res.destroy());
    };
    const err = await read().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(CrmTransientError);
  });
});
