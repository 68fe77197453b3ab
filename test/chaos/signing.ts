/**
 * Valid webhook requests, as each configured sender would make them. The chaos world verifies each provider with a
 * different scheme, so together they exercise all four:
 * - brevo:     `Authorization: Bearer` (what Brevo itself can send; it signs nothing),
 * - sendpulse: HMAC-SHA256 in X-Sendinblue-Signature, Stripe style `t=<unix>,v1=<hex>` (5-minute window),
 * - arpoone:   Standard Webhooks (webhook-id/-timestamp/-signature) AND HTTP Basic.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Secrets } from './secrets.js';

export const PROVIDERS = ['brevo', 'sendpulse', 'arpoone'] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface WebhookRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export type Engagement = 'opened' | 'clicked';

/** One engagement event in the provider's own shape; `id` makes it unique (message id), `at` is unix seconds. */
export function engagementEvent(provider: Provider, kind: Engagement, email: string, id: string, at: number): Record<string, unknown> {
  const link = `https://example.com/chaos/${id}`;
  switch (provider) {
    case 'brevo':
      return { event: kind === 'opened' ? 'opened' : 'click', email, ts_event: at, 'message-id': `<${id}@chaos.example>`, ...(kind === 'clicked' ? { link } : {}) };
    case 'sendpulse':
      return { event: kind, recipient: email, timestamp: at, message_id: id, ...(kind === 'clicked' ? { link } : {}) };
    case 'arpoone':
      return { EventType: kind === 'opened' ? 'Opened' : 'Clicked', Email: email, MessageId: id, Time: at * 1000, EventDetails: kind === 'clicked' ? { Link: link } : {} };
  }
}

export const hmacHex = (secret: string | Buffer, content: string | Buffer) => createHmac('sha256', secret).update(content).digest('hex');

export function standardKey(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
}

/** X-Sendinblue-Signature, Stripe style: `t=<seconds>,v1=<hex HMAC of "<seconds>." + body>`. */
export function stripeSignature(secret: string, seconds: string, body: Buffer): string {
  return `t=${seconds},v1=${hmacHex(secret, Buffer.concat([Buffer.from(`${seconds}.`), body]))}`;
}

/** Standard Webhooks' `v1,<base64 HMAC of "<id>.<seconds>." + body>`. */
export function standardSignature(key: Buffer, id: string, seconds: string, body: Buffer): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${seconds}.`).update(body).digest('base64')}`;
}

export const basicAuth = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

/** Signs `body` for `provider` at `now` (ms). `webhookId` stays the same across a sender's retries (Standard Webhooks). */
export function signRequest(provider: Provider, body: Buffer, secrets: Secrets, now = Date.now(), webhookId = `msg_${randomUUID()}`): WebhookRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const seconds = String(Math.floor(now / 1000));
  if (provider === 'brevo') headers.authorization = `Bearer ${secrets.bearerToken}`;
  if (provider === 'sendpulse') headers['x-sendinblue-signature'] = stripeSignature(secrets.hmacSecret, seconds, body);
  if (provider === 'arpoone') {
    headers['webhook-id'] = webhookId;
    headers['webhook-timestamp'] = seconds;
    headers['webhook-signature'] = standardSignature(standardKey(secrets.standardSecret), webhookId, seconds, body);
    headers.authorization = basicAuth(secrets.basicCredentials);
  }
  return { path: `/webhooks/${provider}`, headers, body };
}
