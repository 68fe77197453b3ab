/**
 * Odoo over XML-RPC: authenticate once and cache the uid (~0.4 s per authenticate on a real server), re-authenticate
 * once on Fault 3, and turn faults and transport failures into typed errors.
 */
import http from 'node:http';
import https from 'node:https';
import type { CrmClient, Kwargs } from './client.js';
import { CrmAuthError, CrmError, CrmTransientError, crmErrorFromFault } from './errors.js';
import { XmlRpcFault, type ResponseDecoder, type XmlRpcCodec } from './xmlrpc-codec.js';
import { fastCodec } from './fast-codec.js';

export interface OdooXmlRpcOptions {
  url: string;
  db: string;
  user: string;
  password: string;
  timeoutMs: number;
  codec?: XmlRpcCodec;
  /** Called after every call, for metrics. */
  onCall?: (info: { model?: string; method: string; ms: number; error?: Error }) => void;
}

export class OdooXmlRpcClient implements CrmClient {
  private uid: number | undefined;
  private readonly codec: XmlRpcCodec;

  constructor(private readonly options: OdooXmlRpcOptions) {
    this.codec = options.codec ?? fastCodec;
  }

  async version(): Promise<string> {
    const info = (await this.rpc('common', 'version', [])) as { server_version?: string };
    return String(info.server_version ?? '');
  }

  async authenticate(): Promise<number> {
    if (this.uid !== undefined) return this.uid;
    const { db, user, password } = this.options;
    const uid = await this.rpc('common', 'authenticate', [db, user, password, {}]);
    if (typeof uid !== 'number' || uid <= 0) throw new CrmAuthError(`Odoo rejected the login of ${user} on database ${db}`);
    this.uid = uid;
    return uid;
  }

  async call<T = unknown>(model: string, method: string, args: unknown[], kwargs: Kwargs = {}): Promise<T> {
    try {
      return await this.executeKw<T>(model, method, args, kwargs);
    } catch (err) {
      // A changed password or revoked key: log in again once, then give up with the typed error.
      if (!(err instanceof CrmAuthError)) throw err;
      this.uid = undefined;
      return this.executeKw<T>(model, method, args, kwargs);
    }
  }

  private async executeKw<T>(model: string, method: string, args: unknown[], kwargs: Kwargs): Promise<T> {
    const uid = await this.authenticate();
    const { db, password } = this.options;
    return (await this.rpc('object', 'execute_kw', [db, uid, password, model, method, args, kwargs], model, method)) as T;
  }

  private async rpc(service: 'common' | 'object', method: string, params: unknown[], model?: string, modelMethod?: string): Promise<unknown> {
    const started = Date.now();
    let error: Error | undefined;
    try {
      const decoder = await this.post(service, this.codec.encodeCall(method, params));
      return await decoder.end();
    } catch (err) {
      error = err instanceof XmlRpcFault ? crmErrorFromFault(err) : (err as Error);
      throw error;
    } finally {
      this.options.onCall?.({ model, method: modelMethod ?? method, ms: Date.now() - started, error });
    }
  }

  /**
   * One POST over node:http (lighter than fetch per call; Odoo closes the connection after every answer anyway). A
   * successful answer's bytes go to the codec's decoder as they arrive: a page is never held whole in memory, and it
   * is decoded by the time its last byte is in.
   */
  private post(service: string, xml: string): Promise<ResponseDecoder> {
    const url = new URL(`xmlrpc/2/${service}`, this.options.url.endsWith('/') ? this.options.url : `${this.options.url}/`);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = transport.request(url, {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': Buffer.byteLength(xml) },
        timeout: this.options.timeoutMs,
      }, (response) => {
        const status = response.statusCode ?? 0;
        response.on('error', (err) => reject(new CrmTransientError(`Odoo answer cut off: ${err.message}`)));
        if (status < 200 || status >= 300) {
          const message = `Odoo HTTP ${status} on /xmlrpc/2/${service}`;
          response.resume();
          return reject(status >= 500 || status === 429 || status === 408 ? new CrmTransientError(message) : new CrmError(message));
        }
        const decoder = this.codec.responseDecoder();
        response.on('data', (chunk: Buffer) => decoder.write(chunk));
        response.on('end', () => resolve(decoder));
      });
      request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      request.on('error', (err: NodeJS.ErrnoException) => reject(new CrmTransientError(`Odoo unreachable at ${url.host}: ${err.code ?? err.message}`)));
      request.end(xml);
    });
  }
}
