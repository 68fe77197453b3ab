/**
 * Closing the HTTP server on shutdown, over real loopback connections: a request in flight gets its answer, a
 * keep-alive connection does not hold the close until its timeout, and a request that never ends is cut at the deadline.
 */
import { expect } from 'chai';
import { createServer, get, Agent, type Server, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeGracefully, settlesWithin } from '../../src/http/graceful-close.js';

async function serve(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** Sends a request; resolves once the server has it (its handler ran), with the answer (or the error) to come. */
function send(url: string, agent: Agent | false, received: Promise<void>): Promise<{ answer: Promise<string> }> {
  const answer = new Promise<string>((resolve) => {
    get(url, { agent }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString())).on('end', () => resolve(text));
    }).on('error', (err) => resolve(`error: ${err.message}`));
  });
  return received.then(() => ({ answer }));
}

describe('graceful close of the HTTP server', () => {
  it('answers the request in flight and does not wait for its keep-alive connection to time out', async () => {
    let release!: () => void;
    let arrived!: () => void;
    const received = new Promise<void>((resolve) => (arrived = resolve));
    const { server, url } = await serve((_req, res) => {
      arrived();
      release = () => res.end('answered');
    });
    const agent = new Agent({ keepAlive: true });
    const { answer } = await send(url, agent, received);
    // Node keeps an answered keep-alive connection open for 5 s: longer than this grace, so only closing it when it
    // goes idle lets the server close in time.
    const closing = closeGracefully(server, 2000);
    release();
    expect(await answer).to.equal('answered');
    expect(await closing).to.equal(0);
    agent.destroy();
  });

  it('cuts a request still running at the deadline and refuses new connections meanwhile', async () => {
    let arrived!: () => void;
    const received = new Promise<void>((resolve) => (arrived = resolve));
    const { server, url } = await serve(() => arrived()); // never answers
    const { answer } = await send(url, false, received);
    const closing = closeGracefully(server, 200);
    const late = await new Promise<string>((resolve) => get(url, { agent: false }, () => resolve('answered')).on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? 'error')));
    expect(late).to.equal('ECONNREFUSED');
    expect(await closing).to.equal(1);
    expect(await answer).to.match(/^error: socket hang up/);
  });

  it('settlesWithin says whether work settled (even by failing) before the time ran out', async () => {
    expect(await settlesWithin(Promise.resolve(), 1000)).to.equal(true);
    expect(await settlesWithin(Promise.reject(new Error('no')), 1000)).to.equal(true);
    expect(await settlesWithin(new Promise(() => {}), 10)).to.equal(false);
  });
});
