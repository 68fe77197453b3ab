/**
 * Source-address allow-list (Brevo publishes its ranges: 1.179.112.0/20, 172.246.240.0/20).
 *
 * The client address is the socket's peer, unless the deployment declares a trusted proxy: then it is the RIGHT-MOST
 * X-Forwarded-For entry. Each proxy appends the address it saw, so with one proxy in front the last entry is the peer
 * that proxy accepted the connection from, while every entry to its left came from the client and can be forged.
 */
import { BlockList, isIP } from 'node:net';
import { header, WebhookVerificationError, type VerificationConfig, type VerifyInput } from './types.js';

const SCHEME = 'ip';
const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/;
const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

// One BlockList per configured array, built on first use (the config does not change while the process runs).
const compiled = new WeakMap<string[], BlockList>();

function fail(reason: string): never {
  throw new WebhookVerificationError(SCHEME, reason);
}

/** '::ffff:1.2.3.4' → '1.2.3.4'; also strips '[v6]:port', 'v4:port' and a zone id, as proxies write them. */
export function normaliseAddress(address: string): string {
  let a = address.trim();
  if (a.startsWith('[')) a = a.slice(1, a.indexOf(']') === -1 ? undefined : a.indexOf(']'));
  a = a.replace(IPV4_WITH_PORT, '$1').replace(/%.*$/, '');
  return a.replace(IPV4_MAPPED, '$1');
}

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
}

function addEntry(list: BlockList, entry: string): void {
  const [rawAddress, prefix, extra] = entry.trim().split('/');
  const address = normaliseAddress(rawAddress ?? '');
  const type = family(address);
  const bits = Number(prefix);
  const maxBits = type === 'ipv4' ? 32 : 128;
  if (!type || extra !== undefined) throw new Error(`ipAllowList: not an address or CIDR: ${entry}`);
  if (prefix === undefined) return list.addAddress(address, type);
  if (!/^\d+$/.test(prefix) || bits > maxBits) throw new Error(`ipAllowList: bad prefix length: ${entry}`);
  list.addSubnet(address, bits, type);
}

/** Builds the allow-list; throws on an entry that is not an address or CIDR, so configuration can check it early. */
export function compileAllowList(entries: string[]): BlockList {
  const cached = compiled.get(entries);
  if (cached) return cached;
  const list = new BlockList();
  for (const entry of entries) addEntry(list, entry);
  compiled.set(entries, list);
  return list;
}

/** A broken list refuses every request (fail closed) rather than throwing out of the receiver. */
function allowList(entries: string[]): BlockList {
  try {
    return compileAllowList(entries);
  } catch {
    fail('allow-list misconfigured');
  }
}

export function clientAddress(config: VerificationConfig, input: VerifyInput): string | undefined {
  if (config.trustProxy) {
    const entries = (header(input.headers, 'x-forwarded-for') ?? '').split(',').map((e) => e.trim()).filter(Boolean);
    const last = entries[entries.length - 1];
    if (last) return normaliseAddress(last);
  }
  return input.remoteAddress ? normaliseAddress(input.remoteAddress) : undefined;
}

/** No-op when the list is empty or absent. */
export function verifyIp(config: VerificationConfig, input: VerifyInput): void {
  const entries = config.ipAllowList ?? [];
  if (entries.length === 0) return;
  const address = clientAddress(config, input);
  if (!address) fail('client address unknown');
  const type = family(address);
  if (!type) fail('client address unparseable');
  if (!allowList(entries).check(address, type)) fail(`client address ${address} not in the allow-list`);
}
