// "Send Webhook Notification" automations (reference §12) firing for real: a create
// or write of a record whose model has an active rule with a webhook action POSTs
// the payload Odoo sends (sorted Python JSON, `_action`/`_id`/`_model`/`id`, the
// chosen fields read with load=None, datetimes with microseconds), one request at a
// time, 1 s timeout, never retried, errors only recorded. With trigger fields a
// record posts only when one of them changed value; without, every write posts and a
// create posts ten times (as measured).
// Simplifications: Odoo posts before its transaction commits (a receiver reading back
// at once sees the old values); the fake posts after applying the change. Writes the
// ORM makes on other records (a company's contacts) post nothing; filter domains are
// not evaluated.
import { request } from 'node:http';
import type { OdooStore } from './store.js';
import type { RawValue } from './schema.js';

/** Odoo's create runs several writes, each posting when the rule has no trigger fields. */
const POSTS_PER_CREATE_WITHOUT_TRIGGER_FIELDS = 10;
const TIMEOUT_MS = 1000;
/** Deliveries kept for tests to read (a long-running `npm run fakes` keeps the latest). */
const KEPT_DELIVERIES = 1000;
const HEADERS = {
  'User-Agent': 'python-requests/2.28.1', 'Accept-Encoding': 'gzip, deflate', Accept: '*/*', Connection: 'keep-alive',
  'Content-Type': 'application/json',
};

export interface WebhookDelivery {
  url: string;
  body: string;
  /** HTTP status of the answer, or the network error. */
  status?: number;
  error?: string;
}

interface Rule { id: number; triggerFields: string[]; actions: Array<{ id: number; name: string; url: string; fields: string[] }> }
type Snapshot = Map<number, Map<number, string>>;

const CREATE_TRIGGERS = new Set(['on_create_or_write', 'on_create']);
const WRITE_TRIGGERS = new Set(['on_create_or_write', 'on_write']);

export class AutomationWebhooks {
  /** The deliveries made, oldest first, with their outcome (tests read it). */
  readonly deliveries: WebhookDelivery[] = [];
  private readonly queue: Array<{ url: string; body: string }> = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly store: OdooStore) {}

  /** Called by the store after records are created. */
  created(model: string, ids: number[]): void {
    for (const rule of this.rules(model, CREATE_TRIGGERS)) {
      const times = rule.triggerFields.length ? 1 : POSTS_PER_CREATE_WITHOUT_TRIGGER_FIELDS;
      for (const id of ids) for (let i = 0; i < times; i++) this.post(model, id, rule);
    }
  }

  /** Called by the store before a write: the trigger fields' values, to see later which records changed. */
  snapshot(model: string, ids: number[]): Snapshot | undefined {
    const rules = this.rules(model, WRITE_TRIGGERS);
    if (!rules.length) return undefined;
    return new Map(rules.map((rule) => [rule.id, new Map(ids.map((id) => [id, this.values(model, id, rule.triggerFields)]))]));
  }

  /** Called by the store after a write, with what `snapshot` took before it. */
  written(model: string, ids: number[], before: Snapshot | undefined): void {
    if (!before) return;
    for (const rule of this.rules(model, WRITE_TRIGGERS)) {
      const old = before.get(rule.id);
      for (const id of ids) {
        if (rule.triggerFields.length && old?.get(id) === this.values(model, id, rule.triggerFields)) continue;
        this.post(model, id, rule);
      }
    }
  }

  /** Resolves once every queued delivery is done (the RPC layer answers only then, like Odoo). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.drain());
    return this.flushing;
  }

  private rules(model: string, triggers: Set<string>): Rule[] {
    if (!this.store.hasModel('base.automation') || model === 'base.automation' || model === 'ir.actions.server') return [];
    const out: Rule[] = [];
    for (const rule of this.store.table('base.automation').values()) {
      if (!rule.active || !triggers.has(String(rule.trigger)) || this.modelName(rule.model_id) !== model) continue;
      const actions = [...this.store.table('ir.actions.server').values()]
        .filter((a) => a.base_automation_id === rule.id && a.active !== false && a.state === 'webhook' && a.webhook_url)
        .map((a) => ({ id: a.id, name: String(a.name), url: String(a.webhook_url), fields: this.fieldNames(a.webhook_field_ids) }));
      if (actions.length) out.push({ id: rule.id, triggerFields: this.fieldNames(rule.trigger_field_ids), actions });
    }
    return out;
  }

  private modelName(modelId: RawValue): string | undefined {
    return this.store.table('ir.model').get(modelId as number)?.model as string | undefined;
  }

  private fieldNames(ids: RawValue): string[] {
    const table = this.store.table('ir.model.fields');
    return ((ids as number[] | null) ?? []).map((id) => table.get(id)?.name as string).filter(Boolean);
  }

  private values(model: string, id: number, fields: string[]): string {
    const rec = this.store.table(model).get(id);
    return JSON.stringify(fields.map((f) => rec?.[f] ?? null));
  }

  private post(model: string, id: number, rule: Rule): void {
    for (const action of rule.actions) {
      this.queue.push({ url: action.url, body: pyJsonDumps(this.payload(model, id, action)) });
    }
    // Writes made straight on the store (tests, the demo) are delivered too, soon after.
    void this.flush();
  }

  private payload(model: string, id: number, action: Rule['actions'][number]): Record<string, unknown> {
    const def = this.store.def(model);
    const fields = action.fields.filter((f) => def.fields.has(f));
    const [row] = this.store.read(model, [id], fields.length ? fields : ['id'], { load: false });
    const rec = this.store.table(model).get(id);
    const vals: Record<string, unknown> = { ...row, _action: `${action.name}(#${action.id})`, _id: id, _model: model, id };
    for (const f of fields) {
      // Datetimes go through str(): microseconds kept.
      if (def.fields.get(f)!.type === 'datetime' && typeof rec?.[f] === 'number') vals[f] = pythonDatetime(rec[f] as number);
    }
    return vals;
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      this.deliveries.push(await deliver(next.url, next.body));
      if (this.deliveries.length > KEPT_DELIVERIES) this.deliveries.shift();
    }
  }
}

function deliver(url: string, body: string): Promise<WebhookDelivery> {
  return new Promise((resolve) => {
    const done = (outcome: Omit<WebhookDelivery, 'url' | 'body'>) => resolve({ url, body, ...outcome });
    let req;
    try {
      req = request(url, { method: 'POST', headers: { ...HEADERS, 'Content-Length': Buffer.byteLength(body) }, timeout: TIMEOUT_MS }, (res) => {
        res.resume();
        res.on('end', () => done({ status: res.statusCode }));
      });
    } catch (e) {
      return done({ error: (e as Error).message });
    }
    req.on('timeout', () => req.destroy(new Error('Read timed out. (read timeout=1)')));
    req.on('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
    req.end(body);
  });
}

/** str(datetime): 'YYYY-MM-DD HH:MM:SS.ffffff', no fraction when it is zero. */
function pythonDatetime(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  const base = d.toISOString().slice(0, 19).replace('T', ' ');
  const fraction = ((us % 1_000_000) + 1_000_000) % 1_000_000;
  return fraction ? `${base}.${String(fraction).padStart(6, '0')}` : base;
}

/** json.dumps(value, sort_keys=True, default=str): ", " and ": " separators, non-ASCII escaped. */
export function pyJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pyJsonDumps).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${pyJsonDumps(k)}: ${pyJsonDumps(v)}`).join(', ')}}`;
}
