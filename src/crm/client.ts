/**
 * The CRM as the sidecar sees it: a generic model/method call plus authentication. XML-RPC today; a JSON-2
 * transport (Odoo 19+) can implement the same interface.
 */
export type Domain = unknown[];
export type Kwargs = Record<string, unknown>;

export interface CrmClient {
  /** Calls `model.method(*args, **kwargs)` as the configured user. */
  call<T = unknown>(model: string, method: string, args: unknown[], kwargs?: Kwargs): Promise<T>;
  /** Server version string, e.g. '18.0'. */
  version(): Promise<string>;
  /** Logs in (cached) and returns the uid. */
  authenticate(): Promise<number>;
}
