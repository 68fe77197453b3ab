/** A bare fetch client for tests that must see the wire (status, headers, exact body). */

export interface RawResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, the text when not JSON, undefined when empty. */
  body: any;
}

export interface RawRequest {
  body?: unknown;
  /** undefined → the default test key; null → no api-key header at all. */
  key?: string | null;
  query?: Record<string, string | number>;
  signal?: AbortSignal;
}

export const TEST_KEY = 'xkeysib-test';

export async function call(baseUrl: string, method: string, path: string, req: RawRequest = {}): Promise<RawResponse> {
  const url = new URL(baseUrl + path);
  for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = req.key === undefined ? TEST_KEY : req.key;
  if (key !== null) headers['api-key'] = key;
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
    signal: req.signal,
  });
  const text = await res.text();
  let body: unknown = text === '' ? undefined : text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, headers: res.headers, body };
}

/** Binds call() to one fake's base URL: `const api = client(fake.baseUrl); await api('GET', '/account')`. */
export function client(baseUrl: string) {
  return (method: string, path: string, req?: RawRequest) => call(baseUrl, method, path, req);
}
