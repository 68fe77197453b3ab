/** What an operation handler gets, and what it returns; the HTTP plumbing lives in app.ts. */
import type { ImportRunner } from '../import-runner.js';
import type { ResolvedOptions } from '../options.js';
import type { FakeBrevoState } from '../state.js';

export interface HandlerCtx {
  state: FakeBrevoState;
  opts: ResolvedOptions;
  runner: ImportRunner;
  /** Path parameters, coerced by the spec (listId → number). */
  params: Record<string, unknown>;
  /** Query parameters, coerced by the spec (limit → number, ids → number[]). */
  query: Record<string, unknown>;
  /** Parsed JSON body, already checked against the spec's schema (hence `any`: read with its SDK shape). */
  body: any;
  /** Size of the raw request body in bytes (import's 10 MB rule). */
  rawBodyBytes: number;
  /** 'http://127.0.0.1:PORT', for links the fake hands out. */
  origin: string;
}

export interface OpResult {
  status: number;
  body?: unknown;
}

export type Handler = (ctx: HandlerCtx) => OpResult | Promise<OpResult>;

export type HandlerMap = Record<string, Handler>;

/** limit/offset paging shared by the list endpoints. */
export function page<T>(items: T[], query: Record<string, unknown>, defaultLimit: number): T[] {
  const limit = typeof query.limit === 'number' ? query.limit : defaultLimit;
  const offset = typeof query.offset === 'number' ? query.offset : 0;
  return items.slice(offset, offset + limit);
}

/** Brevo lists newest first unless sort=asc. */
export function sortByCreation<T extends { id: number }>(items: T[], sort: unknown): T[] {
  const asc = sort === 'asc';
  return [...items].sort((a, b) => (asc ? a.id - b.id : b.id - a.id));
}
