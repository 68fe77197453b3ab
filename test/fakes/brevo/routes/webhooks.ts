/** /v3/webhooks: registrations only (no delivery yet). */
import { badRequest, notFound } from '../errors.js';
import type { FakeWebhook } from '../types.js';
import { sortByCreation, type HandlerCtx, type HandlerMap } from './context.js';

/** Brevo's account limit. */
export const MAX_WEBHOOKS = 40;

/** Subscription names per type for the email channel (brevo-api.md §5.1); SMS takes the spec enum as is. */
const EMAIL_EVENTS: Record<FakeWebhook['type'], string[]> = {
  transactional: ['sent', 'request', 'delivered', 'hardBounce', 'softBounce', 'blocked', 'spam', 'invalid', 'deferred', 'click', 'opened', 'uniqueOpened', 'unsubscribed'],
  marketing: ['spam', 'opened', 'click', 'hardBounce', 'softBounce', 'unsubscribed', 'listAddition', 'delivered', 'contactUpdated', 'contactDeleted'],
  inbound: ['inboundEmailProcessed'],
};

function checkEvents(type: FakeWebhook['type'], channel: FakeWebhook['channel'], events: string[]): void {
  if (channel === 'sms') return;
  const wrong = events.filter((e) => !EMAIL_EVENTS[type].includes(e));
  if (wrong.length > 0) throw badRequest(`events ${wrong.join(', ')} are not valid for a ${type} webhook`);
}

function webhookOf(ctx: HandlerCtx): FakeWebhook {
  const w = ctx.state.webhooks.get(Number(ctx.params.webhookId));
  if (!w) throw notFound('Webhook ID not found');
  return w;
}

type WebhookBody = Partial<Omit<FakeWebhook, 'id' | 'createdAt' | 'modifiedAt'>>;

function createWebhook(ctx: HandlerCtx): { status: number; body: unknown } {
  const b = ctx.body as WebhookBody & { url: string; events: string[] };
  const type = b.type ?? 'transactional';
  const channel = b.channel ?? 'email';
  checkEvents(type, channel, b.events);
  if (type === 'inbound' && !b.domain) throw badRequest('domain is required for an inbound webhook', 'missing_parameter');
  if (ctx.state.webhooks.size >= MAX_WEBHOOKS) throw badRequest(`You can create at most ${MAX_WEBHOOKS} webhooks`);
  const now = ctx.state.isoNow();
  const webhook: FakeWebhook = {
    id: ctx.state.newWebhookId(),
    url: b.url,
    description: b.description ?? '',
    events: [...b.events],
    type,
    channel,
    batched: b.batched ?? false,
    ...(b.auth ? { auth: b.auth } : {}),
    ...(b.headers ? { headers: b.headers } : {}),
    ...(b.domain ? { domain: b.domain } : {}),
    createdAt: now,
    modifiedAt: now,
  };
  ctx.state.webhooks.set(webhook.id, webhook);
  return { status: 201, body: { id: webhook.id } };
}

function updateWebhook(ctx: HandlerCtx): { status: number } {
  const w = webhookOf(ctx);
  const b = ctx.body as WebhookBody;
  if (b.events) checkEvents(w.type, w.channel, b.events);
  for (const key of ['url', 'description', 'events', 'batched', 'auth', 'headers', 'domain'] as const) {
    if (b[key] !== undefined) Object.assign(w, { [key]: b[key] });
  }
  w.modifiedAt = ctx.state.isoNow();
  return { status: 204 };
}

export const webhookHandlers: HandlerMap = {
  /** `type` defaults to transactional (spec): marketing webhooks only show with type=marketing. */
  getWebhooks(ctx) {
    const type = (ctx.query.type as string | undefined) ?? 'transactional';
    const all = [...ctx.state.webhooks.values()].filter((w) => w.type === type);
    return { status: 200, body: { webhooks: sortByCreation(all, ctx.query.sort ?? 'desc') } };
  },
  createWebhook,
  getWebhook: (ctx) => ({ status: 200, body: webhookOf(ctx) }),
  updateWebhook,
  deleteWebhook(ctx) {
    ctx.state.webhooks.delete(webhookOf(ctx).id);
    return { status: 204 };
  },
};
